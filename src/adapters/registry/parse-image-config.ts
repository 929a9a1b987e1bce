import { z } from 'zod';
import { findGoVersion } from './find-go-version.js';

const MAX_TEXT = 64 * 1024;

const config = z.object({
  architecture: z.string().min(1).max(64),
  os: z.string().min(1).max(64),
  variant: z.string().max(64).optional(),
  created: z.string().max(64).nullish(),
  // Docker writes null for an empty map or list; OCI omits them.
  config: z
    .object({
      Labels: z.record(z.string(), z.string().max(MAX_TEXT)).nullish(),
      Env: z.array(z.string().max(MAX_TEXT)).nullish(),
    })
    .nullish(),
  history: z.array(z.object({ created_by: z.string().max(MAX_TEXT).optional() })).max(10_000).nullish(),
});

export interface ConfigFacts {
  labels: Record<string, string>;
  created: string | null;
  goVersion: string | null;
  /** os/architecture[/variant] */
  platform: string;
}

/** The facts ImageDescription takes from an image's config blob, validated. */
export function parseImageConfig(body: string): { ok: true; facts: ConfigFacts } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { ok: false, problem: 'the image config is not JSON' };
  }
  const parsed = config.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `the image config is invalid at ${issue?.path.join('.') || 'its top'}: ${issue?.message ?? 'invalid'}` };
  }
  const { architecture, os, variant, created } = parsed.data;
  const labels = parsed.data.config?.Labels ?? {};
  const goVersion = findGoVersion({
    labels,
    env: parsed.data.config?.Env ?? [],
    history: (parsed.data.history ?? []).map((step) => step.created_by ?? ''),
  });
  return { ok: true, facts: { labels, created: created ?? null, goVersion, platform: [os, architecture, variant].filter(Boolean).join('/') } };
}

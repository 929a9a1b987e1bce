import { z } from 'zod';
import { ErrorCode, OomCheckError } from './errors.js';
import type { RunSpec } from './run.js';
import { runbookSchema } from './runbook-schema.js';

const runSpecSchema = z.object({
  target: z.object({ cluster: z.string(), namespace: z.string(), pod: z.string() }),
  runbook: runbookSchema,
  maxLimitBytes: z.number().int().positive(),
});

/** A run's spec as stored: the runbook parses with the schema that validated it when the run began. */
export function parseRunSpec(value: unknown, where: string): RunSpec {
  const parsed = runSpecSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(spec)'}: ${issue.message}`).join('; ');
    throw new OomCheckError(ErrorCode.RunStateInvalid, `${where}: the stored run spec is invalid (${problems})`);
  }
  return parsed.data;
}

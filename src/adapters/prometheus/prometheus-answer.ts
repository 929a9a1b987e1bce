import { z } from 'zod';

/** One sample: `t` in milliseconds since the epoch, `v` a finite number. */
export interface PromSample {
  t: number;
  v: number;
}

export type PromLabels = Record<string, string>;

export type PromResult =
  | { resultType: 'vector'; result: Array<{ metric: PromLabels; value: PromSample }> }
  | { resultType: 'matrix'; result: Array<{ metric: PromLabels; values: PromSample[] }> }
  | { resultType: 'scalar'; result: PromSample }
  | { resultType: 'string'; result: { t: number; text: string } };

/** Go's strconv.FormatFloat output, as Prometheus writes sample values. */
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

const seconds = z.number().finite().transform((t) => Math.round(t * 1000));

/** Values come as strings so NaN and ±Inf can be written; evidence needs finite numbers only. */
const value = z.string().transform((text, ctx) => {
  if (!FLOAT.test(text)) {
    ctx.addIssue({ code: 'custom', message: `sample value ${JSON.stringify(text.slice(0, 40))} is not a finite number` });
    return z.NEVER;
  }
  return Number(text);
});

const sample = z.tuple([seconds, value]).transform(([t, v]): PromSample => ({ t, v }));
const labels = z.record(z.string(), z.string());

const data = z.discriminatedUnion('resultType', [
  z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric: labels, value: sample })) }),
  z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels, values: z.array(sample) })) }),
  z.object({ resultType: z.literal('scalar'), result: sample }),
  z.object({ resultType: z.literal('string'), result: z.tuple([seconds, z.string()]).transform(([t, text]) => ({ t, text })) }),
]);

const answer = z.object({ status: z.literal('success'), data });

/**
 * A successful `/api/v1/query` or `/api/v1/query_range` answer, validated. Returns a problem
 * (the first field that is wrong) rather than throwing, so the client can name the server in it.
 */
export function parsePrometheusAnswer(json: unknown): { ok: true; result: PromResult } | { ok: false; problem: string } {
  const parsed = answer.safeParse(json);
  if (parsed.success) return { ok: true, result: parsed.data.data };
  const issue = parsed.error.issues[0];
  const at = issue?.path.length ? issue.path.join('.') : 'the answer';
  return { ok: false, problem: `${at}: ${issue?.message ?? 'invalid'}` };
}

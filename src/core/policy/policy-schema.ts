import { z } from 'zod';
import { DNS_1123_LABEL } from '../dns-names.js';
import { isQuantity, parseQuantity } from '../quantity.js';
import { parseCron } from '../rules/cron-window.js';
import { parseLabelSelector } from '../rules/parse-label-selector.js';

/*
 * The self-heal policies file (OOM_CHECK_POLICIES): which workloads oom-check may fix without a
 * person, and the bounds that keep it from doing harm (as the VPA's maxAllowed and Robusta's
 * max_resource bound their own changes). Every bound is required: an unbounded policy is refused.
 */

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `90s`, `30m`, `24h`, `7d` as seconds, from `min` to `max`. */
const duration = (min: number, max: number, example: string) =>
  z
    .string({ error: `must be a duration such as ${example} (s, m, h or d)` })
    .refine((text) => DURATION.test(text), { error: `must be a duration such as ${example} (s, m, h or d)` })
    .transform((text) => {
      const [, amount, unit] = DURATION.exec(text)!;
      return Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
    })
    .refine((seconds) => seconds >= min && seconds <= max, { error: `must be from ${min} s to ${max / 86_400} days, such as ${example}` });

const QUANTITY = 'must be a positive Kubernetes memory quantity such as 1Gi';
const strictObject = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : undefined) });
const namespace = z.string().regex(DNS_1123_LABEL, { error: 'must be a namespace name (lower-case letters, digits and -)' });

const freezeWindowSchema = strictObject({
  cron: z.string({ error: 'must be a cron expression such as "0 17 * * fri" (UTC)' }).superRefine((text, ctx) => {
    const parsed = parseCron(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
  }),
  duration: duration(60, 14 * 86_400, '63h'),
  reason: z.string().max(200).optional(),
});

const policySchema = strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be a lower-case name such as shop-init-bumps' }),
  description: z.string().max(500).optional(),
  select: strictObject({
    /** Absent or empty: every namespace oom-check acts in, except the denied ones. */
    namespaces: z.array(namespace).default([]),
    /** A label selector on the workload (Deployment, StatefulSet, DaemonSet), as `kubectl -l` takes it. */
    labelSelector: z
      .string()
      .default('')
      .superRefine((text, ctx) => {
        const parsed = parseLabelSelector(text);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
      }),
  }).default({ namespaces: [], labelSelector: '' }),
  bounds: strictObject({
    /** The new limit may not exceed this. */
    maxLimit: z.string({ error: QUANTITY }).refine((text) => isQuantity(text) && parseQuantity(text) > 0, { error: QUANTITY }),
    /** The new limit may not exceed this multiple of the current one. */
    maxFactor: z.number({ error: 'must be a number above 1, e.g. 2' }).gt(1, { error: 'must be above 1, e.g. 2' }).max(16, { error: 'must be at most 16' }),
    /** At most this many automatic fixes of one workload within `window`. */
    maxFixes: z.number({ error: 'must be a whole number from 1 to 100' }).int({ error: 'must be a whole number from 1 to 100' }).min(1, { error: 'must be a whole number from 1 to 100' }).max(100, { error: 'must be a whole number from 1 to 100' }),
    window: duration(60, 30 * 86_400, '24h'),
    /** No automatic fix of a workload sooner than this after its last one. */
    cooldown: duration(0, 7 * 86_400, '30m'),
  }),
  freezeWindows: z.array(freezeWindowSchema).default([]),
});

export const policyFileSchema = strictObject({
  apiVersion: z.literal('oom-check/v1', { error: 'must be oom-check/v1' }),
  kind: z.literal('Policies', { error: 'must be Policies' }),
  /** Never an automatic fix here, whatever a policy selects. */
  deniedNamespaces: z.array(namespace).default([]),
  policies: z.array(policySchema).min(1, { error: 'must list at least one policy (without a policies file nothing is automatic)' }),
}).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.policies.forEach((policy, index) => {
    if (seen.has(policy.name)) ctx.addIssue({ code: 'custom', path: ['policies', index, 'name'], message: `"${policy.name}" is used by an earlier policy: names must be unique (the timeline names the policy)` });
    seen.add(policy.name);
    const denied = policy.select.namespaces.filter((name) => file.deniedNamespaces.includes(name));
    if (denied.length > 0) ctx.addIssue({ code: 'custom', path: ['policies', index, 'select', 'namespaces'], message: `selects ${denied.join(', ')}, which deniedNamespaces denies: remove one or the other` });
  });
});

export type PolicyFile = z.output<typeof policyFileSchema>;
export type Policy = PolicyFile['policies'][number];

import { z } from 'zod';
import { formatQuantity, isQuantity, parseQuantity } from './quantity.js';

const seconds = (max: number) => z.number().positive({ error: 'must be a positive number of seconds' }).max(max, { error: `must be at most ${max} seconds` });
const port = z.union([
  z.number().int().min(1, { error: 'must be a port from 1 to 65535' }).max(65535, { error: 'must be a port from 1 to 65535' }),
  z.string().regex(/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/, { error: 'must be a port number or a named container port' }),
]);
const httpPath = z.string().regex(/^\/[^\s?#]*$/, { error: 'must be an absolute path such as /healthz (no spaces, query or fragment)' });
// Kept as text so a runbook stored with a run parses again with this very schema; runs stored by
// 0.1.0 kept the byte count, which reads back as the same quantity.
const QUANTITY = 'must be a positive Kubernetes quantity such as 16Mi';
const quantity = z.preprocess(
  (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? formatQuantity(value) : value),
  z.string({ error: QUANTITY }).refine((text) => isQuantity(text) && parseQuantity(text) > 0, { error: QUANTITY }),
);
const strictObject = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : undefined) });

const runbookFields = strictObject({
  apiVersion: z.literal('oom-check/v1', { error: 'must be oom-check/v1' }),
  kind: z.literal('Runbook', { error: 'must be Runbook' }),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be a lower-case name such as oom-initcontainer' }),
  description: z.string().default(''),
  budgetSeconds: seconds(3600),
  steps: strictObject({
    detect: strictObject({ timeoutSeconds: seconds(300), recentEvents: z.number().int().min(0).max(1000) }),
    'image-info': strictObject({
      enabled: z.boolean(),
      port,
      path: httpPath,
      timeoutSeconds: seconds(60),
      symtabRatioThreshold: z.number().min(0).max(1),
      largeImageMiB: z.number().positive(),
    }),
    'rss-peak': strictObject({
      enabled: z.boolean(),
      samples: z.number().int().min(1).max(1000),
      intervalMs: z.number().int().min(10).max(60_000),
      pid: z.number().int().min(1),
      timeoutSeconds: seconds(300),
    }),
    // The evidence ladder beside RSS sampling (rss-peak above). Optional: runbooks written for 0.1 load.
    evidence: strictObject({
      // The Go runtime's own numbers (expvar's memstats) through the pod proxy, while a container serves them.
      goRuntime: strictObject({ enabled: z.boolean(), port, path: httpPath }).default({ enabled: true, port: 8080, path: '/debug/vars' }),
      // cgroup v2 files (memory.peak, memory.events...) through exec: needs pods/exec, so off by default.
      cgroupFiles: z.boolean().default(false),
      // How long to wait for a crash-looping container's next short run to read it (within the budget).
      catchSeconds: seconds(600).default(30),
    }).default({ goRuntime: { enabled: true, port: 8080, path: '/debug/vars' }, cgroupFiles: false, catchSeconds: 30 }),
    propose: strictObject({
      headroom: z.number().gt(0, { error: 'must be above 0 and at most 1, e.g. 0.85' }).max(1, { error: 'must be above 0 and at most 1, e.g. 0.85' }),
      // Read and ignored since 0.2: without evidence the Vertical Pod Autoscaler's bump applies. Kept so
      // runbooks and runs written for 0.1 still load.
      fallbackFactor: z.number().gt(1, { error: 'must be above 1, e.g. 2' }).max(16).optional(),
      // The VPA's memory bump after an OOM kill (kubernetes/autoscaler aggregations_config.go):
      // max(used x DefaultOOMBumpUpRatio, used + DefaultOOMMinBumpUp).
      oomBumpRatio: z.number().gt(1, { error: 'must be above 1, e.g. 1.2' }).max(16, { error: 'must be at most 16' }).default(1.2),
      oomMinBump: quantity.default('100Mi'),
      roundTo: quantity,
      // Escalation: when the patched pod is OOMKilled again, the run proposes the next limit, at most this many in all.
      maxSteps: z.number().int().min(1, { error: 'must be a whole number from 1 to 10' }).max(10, { error: 'must be a whole number from 1 to 10' }).default(3),
    }),
    approve: strictObject({
      mode: z.enum(['manual', 'auto'], { error: 'must be manual or auto' }),
      // Unset: the budget. An approval nobody gives ends the run ("not approved in time") on its own schedule.
      timeoutSeconds: seconds(7 * 24 * 3600).optional(),
      // While it waits: the approvers are pinged again in the card's thread, then the on-call group
      // (SLACK_ONCALL_GROUP) is mentioned; null turns one off. A time at or past the timeout never comes.
      escalation: strictObject({
        remindApproversAfterSeconds: seconds(7 * 24 * 3600).nullable().default(60),
        mentionOncallAfterSeconds: seconds(7 * 24 * 3600).nullable().default(120),
      }).default({ remindApproversAfterSeconds: 60, mentionOncallAfterSeconds: 120 }),
    }),
    apply: strictObject({
      dryRunFirst: z.boolean(),
      fieldManager: z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, { error: 'must be a lower-case field manager name' }),
      timeoutSeconds: seconds(300),
    }),
    wait: strictObject({
      // The seed's `kubectl wait --for=condition=Initialized`: the init container finished.
      condition: z.literal('Initialized', { error: 'must be Initialized (the seed waits for the init container to finish)' }),
      timeoutSeconds: seconds(3600),
    }),
    health: strictObject({
      enabled: z.boolean(),
      port,
      path: httpPath,
      expectStatus: z.string().regex(/^([1-5]xx|[1-5]\d\d)$/, { error: 'must be a status such as 200 or a class such as 2xx' }),
      timeoutSeconds: seconds(300),
    }),
  }),
  quickDowngrade: z.preprocess(
    // Runbooks (and runs stored) before 0.2 gave the size in MiB; the seed's line is decimal MB.
    (value) => {
      if (typeof value !== 'object' || value === null || !('maxImageMiB' in value)) return value;
      const { maxImageMiB, ...rest } = value as { maxImageMiB: unknown };
      return { maxImageMB: typeof maxImageMiB === 'number' ? (maxImageMiB * 1024 * 1024) / 1e6 : maxImageMiB, ...rest };
    },
    strictObject({
      image: z
        .string()
        .regex(/^[^\s@]+@sha256:[0-9a-f]{64}$/, { error: 'must be pinned by digest: repository@sha256:<64 hex>' })
        .nullable(),
      /** The SHA-256 the config centre hands out for the image (seed 4.2): the swap is offered only when the image's digest is this one. */
      sha256: z
        .string()
        .regex(/^(sha256:)?[0-9a-f]{64}$/, { error: 'must be the image digest: 64 lower-case hex digits, with or without sha256:' })
        .nullable()
        .default(null),
      maxImageMB: z.number().positive().default(12),
      /** The seed's exec probe, added to an app container with the swap; null adds none. */
      probe: strictObject({
        container: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'must be a container name' }).nullable().default(null),
        command: z.array(z.string().min(1)).min(1, { error: 'must name the command to run, e.g. ["/usr/bin/checker", "--health"]' }),
        initialDelaySeconds: z.number().int().min(0).max(3600).default(1),
      })
        .nullable()
        .default(null),
    }),
  ),
});

/** The runbook with its defaults that depend on other fields filled in (the approval timeout is the budget's). */
export const runbookSchema = runbookFields.transform((runbook) => ({
  ...runbook,
  steps: { ...runbook.steps, approve: { ...runbook.steps.approve, timeoutSeconds: runbook.steps.approve.timeoutSeconds ?? runbook.budgetSeconds } },
}));

export type Runbook = z.output<typeof runbookSchema>;
export type RunbookStepName = keyof Runbook['steps'];

/**
 * The cluster around the workloads, as a scenario describes it: nodes (a name, or a name with
 * allocatable resources), ResourceQuotas and LimitRanges. Quantities are checked here; that
 * namespaces are declared is checked by scenario-schema.ts.
 */
import { z } from 'zod';
import { dnsLabel, dnsSubdomain, quantity, stringMap } from './scenario-fields.js';

/** What a node offers the scheduler when the scenario does not say: the simulator's 8Gi machine. */
const DEFAULT_ALLOCATABLE = { memory: '8Gi', cpu: '4', pods: 110 } as const;

const nodeObject = z.strictObject({
  name: dnsLabel,
  allocatable: z
    .strictObject({
      memory: quantity.optional(),
      cpu: quantity.optional(),
      pods: z.number().int().positive().optional(),
    })
    .default({}),
  labels: stringMap.default({}),
});

/** `sim-node-1` or `{ name: small, allocatable: { memory: 1Gi, cpu: 2 } }`, normalized to the object. */
export const nodeSchema = z.union([dnsLabel.transform((name) => ({ name })), nodeObject]).transform((n) => {
  const given = 'allocatable' in n ? n.allocatable : {};
  return {
    name: n.name,
    allocatable: {
      memory: given.memory ?? DEFAULT_ALLOCATABLE.memory,
      cpu: given.cpu ?? DEFAULT_ALLOCATABLE.cpu,
      pods: given.pods ?? DEFAULT_ALLOCATABLE.pods,
    },
    labels: 'labels' in n ? n.labels : {},
  };
});

/** The resources a ResourceQuota may cap here (compute resources and the pod count). */
const hardSchema = z
  .strictObject({
    'requests.memory': quantity.optional(),
    'limits.memory': quantity.optional(),
    'requests.cpu': quantity.optional(),
    'limits.cpu': quantity.optional(),
    memory: quantity.optional(),
    cpu: quantity.optional(),
    pods: quantity.optional(),
  })
  .refine((hard) => Object.keys(hard).length > 0, 'must cap at least one resource');

export const quotaSchema = z.strictObject({
  namespace: dnsLabel,
  name: dnsSubdomain,
  hard: hardSchema,
});

const limitList = z.strictObject({ memory: quantity.optional(), cpu: quantity.optional() });

const limitItem = z
  .strictObject({
    type: z.enum(['Container', 'Pod']),
    max: limitList.optional(),
    min: limitList.optional(),
    default: limitList.optional(),
    defaultRequest: limitList.optional(),
  })
  .superRefine((item, ctx) => {
    // ValidateLimitRange: defaults exist for containers only.
    for (const key of ['default', 'defaultRequest'] as const) {
      if (item.type === 'Pod' && item[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'may not be specified when `type` is \'Pod\'' });
    }
  });

export const limitRangeSchema = z.strictObject({
  namespace: dnsLabel,
  name: dnsSubdomain,
  limits: z.array(limitItem).min(1),
});

import type { LimitRange, Node, Pod, ResourceQuota } from '../k8s-types.js';
import { effectivePodRequest } from './effective-pod-request.js';
import { bytesOrNull } from './bytes-or-null.js';
import type { LimitRangeRule, MemoryQuotaAmounts, NodeCapacity, QuotaState } from './check-schedulable.js';

const QUOTA_KEYS = ['requests.memory', 'limits.memory', 'memory'] as const;

function amounts(quantities: Record<string, string> | undefined): MemoryQuotaAmounts {
  const out: MemoryQuotaAmounts = {};
  for (const key of QUOTA_KEYS) {
    const bytes = bytesOrNull(quantities?.[key]);
    if (bytes !== null) out[key] = bytes;
  }
  return out;
}

/** What the scheduler counts as taken on a node: the effective requests of its pods that have not terminated. */
function nodeUsage(pods: Pod[], node: string, own: (pod: Pod) => boolean): { requested: number; own: number } {
  let requested = 0;
  let ownPods = 0;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== node || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    requested += effectivePodRequest(pod.spec).requestBytes;
    if (own(pod)) ownPods++;
  }
  return { requested, own: ownPods };
}

/**
 * What the cluster reports, as check-schedulable reads it: each node's allocatable memory, each
 * quota's memory hard limits and usage (the quota controller's `status`; `spec.hard` until it has
 * run), each LimitRange's container memory bounds. Unreadable quantities are left out.
 */
export function schedulingInputs(objects: { nodes: Node[] | null; pods?: Pod[] | null; quotas: ResourceQuota[]; limitRanges: LimitRange[] }, own: (pod: Pod) => boolean = () => false): {
  nodes: NodeCapacity[] | null;
  quotas: QuotaState[];
  limitRanges: LimitRangeRule[];
} {
  const nodes =
    objects.nodes?.flatMap((node) => {
      const allocatable = bytesOrNull(node.status?.allocatable?.memory);
      if (allocatable === null) return [];
      const usage = objects.pods ? nodeUsage(objects.pods, node.metadata.name, own) : null;
      return [{ name: node.metadata.name, allocatableBytes: allocatable, ...(usage ? { requestedBytes: usage.requested, ownPods: usage.own } : {}) }];
    }) ?? null;
  const quotas = objects.quotas
    .map((quota) => ({ name: quota.metadata.name, hard: amounts(quota.status?.hard ?? quota.spec?.hard), used: amounts(quota.status?.used) }))
    .filter((quota) => Object.keys(quota.hard).length > 0);
  const limitRanges = objects.limitRanges.flatMap((range) =>
    (range.spec?.limits ?? [])
      .filter((limit) => limit.type === 'Container')
      .map((limit): LimitRangeRule => {
        const max = bytesOrNull(limit.max?.memory);
        const min = bytesOrNull(limit.min?.memory);
        const ratio = Number(limit.maxLimitRequestRatio?.memory);
        return {
          name: range.metadata.name,
          ...(max !== null ? { containerMaxBytes: max } : {}),
          ...(min !== null ? { containerMinBytes: min } : {}),
          ...(Number.isFinite(ratio) && ratio > 0 ? { maxLimitRequestRatio: ratio } : {}),
        };
      }),
  );
  return { nodes, quotas, limitRanges };
}

import type { LimitRange, Node, ResourceQuota } from '../k8s-types.js';
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

/**
 * What the cluster reports, as check-schedulable reads it: each node's allocatable memory, each
 * quota's memory hard limits and usage (the quota controller's `status`; `spec.hard` until it has
 * run), each LimitRange's container memory bounds. Unreadable quantities are left out.
 */
export function schedulingInputs(objects: { nodes: Node[] | null; quotas: ResourceQuota[]; limitRanges: LimitRange[] }): {
  nodes: NodeCapacity[] | null;
  quotas: QuotaState[];
  limitRanges: LimitRangeRule[];
} {
  const nodes =
    objects.nodes?.flatMap((node) => {
      const allocatable = bytesOrNull(node.status?.allocatable?.memory);
      return allocatable === null ? [] : [{ name: node.metadata.name, allocatableBytes: allocatable }];
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

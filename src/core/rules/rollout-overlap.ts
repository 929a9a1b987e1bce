import type { Workload } from '../k8s-types.js';

/**
 * Whether a rollout must run a new pod before it may stop an old one: a Deployment's RollingUpdate
 * whose maxUnavailable resolves to 0 (kubernetes pkg/controller/deployment/util ResolveFenceposts:
 * maxSurge rounds up, maxUnavailable rounds down, both from the replicas; the defaults are 25 %).
 * Then a surge pod that a quota refuses stalls the rollout for good: the controller never scales
 * the old ReplicaSet down to make room. Recreate, StatefulSets (one pod at a time, stop first) and
 * DaemonSets (maxUnavailable 1 by default) stop before they start.
 */
export function rolloutWaitsForNewPod(workload: Pick<Workload, 'kind' | 'spec'>): boolean {
  if (workload.kind !== 'Deployment') return false;
  const strategy = workload.spec.strategy;
  if (strategy?.type === 'Recreate') return false;
  const replicas = workload.spec.replicas ?? 1;
  const surge = resolve(strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, Math.ceil);
  const unavailable = resolve(strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, Math.floor);
  // Both 0 is refused by validation; the controller then uses maxUnavailable 1.
  return unavailable === 0 && surge > 0;
}

function resolve(value: number | string, replicas: number, round: (n: number) => number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? round((Number(percent[1]) * replicas) / 100) : Number.parseInt(value, 10) || 0;
}

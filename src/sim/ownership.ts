/**
 * Who owns what, and which pods count: the questions every simulated controller asks first.
 * A pod with a deletionTimestamp no longer counts as a replica (FilterActivePods), so a controller
 * creates its replacement while the old one is still stopping, as in Kubernetes.
 */
import type { KubeObject, Pod } from './k8s-types.js';
import type { ObjectStore } from './object-store.js';
import { conditionIsTrue } from './pod-status.js';

/** Objects of `kind` whose controller ownerReference points at `owner` (by uid). */
export function ownedBy<T extends KubeObject>(store: ObjectStore, kind: string, owner: KubeObject): T[] {
  return store
    .list<T>(kind, owner.metadata.namespace)
    .filter((o) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid));
}

export function isActive(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
}

/** Ready, and (minReadySeconds being 0 here) therefore available. */
export function isReady(pod: Pod): boolean {
  return conditionIsTrue(pod, 'Ready');
}

/** Which pods a controller removes first when scaling down: unscheduled, pending, unready, then newest. */
export function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod) => (!p.spec.nodeName ? 0 : p.status.phase === 'Pending' ? 1 : !isReady(p) ? 2 : 3);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}

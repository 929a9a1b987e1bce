import type { WorkloadRef } from '../core/incident.js';
import type { Pod } from '../core/k8s-types.js';
import type { Cluster } from '../core/ports.js';

/**
 * The workload to patch for a pod: Pod -> ReplicaSet -> Deployment, or the StatefulSet or
 * DaemonSet that owns it. Null for a bare pod. Other owners (a Job, a bare ReplicaSet) are
 * returned as they are; the propose step refuses to patch them.
 */
export async function resolveOwner(cluster: Cluster, pod: Pod): Promise<WorkloadRef | null> {
  const references = pod.metadata.ownerReferences ?? [];
  const owner = references.find((reference) => reference.controller) ?? references[0];
  if (!owner) return null;
  if (owner.kind !== 'ReplicaSet') return { kind: owner.kind, name: owner.name };
  const replicaSet = await cluster.getOwnerMeta(pod.metadata.namespace ?? '', owner);
  const deployment = replicaSet.ownerReferences?.find((reference) => reference.kind === 'Deployment');
  return deployment ? { kind: 'Deployment', name: deployment.name } : { kind: 'ReplicaSet', name: owner.name };
}

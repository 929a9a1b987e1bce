import { isClusterError } from '../../core/cluster-error.js';
import type { LimitRange, Node, Pod, ResourceQuota } from '../../core/k8s-types.js';
import type { Cluster } from '../../core/ports.js';

/**
 * A read that may be refused: RBAC for nodes is cluster-wide and often withheld, and a trimmed API
 * server may not serve a kind. Say so and go on without that check.
 */
async function optional<T>(read: () => Promise<T>, what: string, notes: string[]): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (!isClusterError(error, 'Forbidden') && !isClusterError(error, 'NotFound')) throw error;
    notes.push(`${what} could not be read (${error.code === 'Forbidden' ? 'forbidden by RBAC' : 'not served'}), so they were not checked`);
    return null;
  }
}

export interface ScheduleFacts {
  nodes: Node[] | null;
  /** Every pod, for what each node has already handed out; null when they could not be listed. */
  pods: Pod[] | null;
  quotas: ResourceQuota[];
  limitRanges: LimitRange[];
  notes: string[];
}

/** What decides whether a patched pod can run: the nodes and what runs on them, and the namespace's quotas and limit ranges. */
export async function readScheduleFacts(cluster: Cluster, namespace: string): Promise<ScheduleFacts> {
  const notes: string[] = [];
  const [nodes, pods, quotas, limitRanges] = await Promise.all([
    optional(() => cluster.listNodes(), 'the nodes', notes),
    optional(() => cluster.listPods(null, ''), "the pods on the nodes (each node's requested memory)", notes),
    optional(() => cluster.listResourceQuotas(namespace), `the ResourceQuotas of ${namespace}`, notes),
    optional(() => cluster.listLimitRanges(namespace), `the LimitRanges of ${namespace}`, notes),
  ]);
  return { nodes, pods, quotas: quotas ?? [], limitRanges: limitRanges ?? [], notes };
}

import type { Node, Pod } from '../core/k8s-types.js';
import type { Cluster } from '../core/ports.js';

/** How long a wide listing is shared: short enough to be as fresh as any list, long enough to span a storm's proposals. */
export const WIDE_READ_TTL_MS = 2000;

interface Shared<T> {
  at: number;
  value: Promise<T>;
}

/**
 * The cluster, with its wide reads shared: every pod of the cluster, and the node list. Each proposal reads them (what runs on each node, other pods of the same image), so
 * an alert storm of 500 incidents would list every pod 500 times within seconds; callers within
 * `ttlMs` of a listing, or while it is in flight, get the same answer. A failed read is not kept.
 * Narrower reads (a namespace's pods for the sweep, the workload's pods that apply and wait must
 * see fresh) pass through, and a write through this cluster drops what was shared. Callers must not modify what they get.
 */
export function shareWideReads(cluster: Cluster, ttlMs = WIDE_READ_TTL_MS, now: () => number = () => performance.now()): Cluster {
  const cache = new Map<string, Shared<unknown>>();
  function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const hit = cache.get(key) as Shared<T> | undefined;
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = read();
    cache.set(key, { at: now(), value });
    value.catch(() => cache.get(key)?.value === value && cache.delete(key));
    return value;
  }
  const listPods = (namespace: string | null, labelSelector: string): Promise<Pod[]> =>
    namespace === null && labelSelector === '' ? shared('pods', () => cluster.listPods(null, '')) : cluster.listPods(namespace, labelSelector);
  const listNodes = (): Promise<Node[]> => shared('nodes', () => cluster.listNodes());
  return new Proxy(cluster, {
    get(target, property) {
      if (property === 'listPods') return listPods;
      if (property === 'listNodes') return listNodes;
      if (property === 'patchWorkload' || property === 'deletePod') {
        // A write changes what runs: whatever is read after it is read anew.
        return (...args: unknown[]) => {
          cache.clear();
          return (Reflect.get(target, property, target) as (...a: unknown[]) => Promise<unknown>).apply(target, args).finally(() => cache.clear());
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

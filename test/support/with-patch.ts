import type { Cluster } from '../../src/core/ports.js';

/** The cluster, with its real patchWorkload replaced by `patch` (which may call the real one). */
export function withPatch(cluster: Cluster, patch: (real: Cluster['patchWorkload'], ...args: Parameters<Cluster['patchWorkload']>) => ReturnType<Cluster['patchWorkload']>): Cluster {
  const real = cluster.patchWorkload.bind(cluster);
  return new Proxy(cluster, { get: (target, key, receiver) => (key === 'patchWorkload' ? (...args: Parameters<Cluster['patchWorkload']>) => patch(real, ...args) : Reflect.get(target, key, receiver)) });
}

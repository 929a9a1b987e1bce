import type { Cluster } from '../../src/core/ports.js';

/** The cluster, with its real patchWorkload replaced by `patch` (which may call the real one). */
export function withPatch(cluster: Cluster, patch: (real: Cluster['patchWorkload'], ...args: Parameters<Cluster['patchWorkload']>) => ReturnType<Cluster['patchWorkload']>): Cluster {
  const real = cluster.patchWorkload.bind(cluster);
  return new Proxy(cluster, { get: (target, key, receiver) => (key === 'patchWorkload' ? (...args: Parameters<Cluster['patchWorkload']>) => patch(real, ...args) : Reflect.get(target, key, receiver)) });
}

/**
 * The cluster as a GitOps sync meets it: right after each real (not dry-run) patch, `revert` is
 * applied by another field manager and the pods matching `selector` are deleted, so the old
 * template's ReplicaSet makes fresh pods that run what the patch replaced.
 */
export function revertedAfterPatch(cluster: Cluster, revert: object, selector: string): Cluster {
  return withPatch(cluster, async (real, namespace, ref, patch, options) => {
    const result = await real(namespace, ref, patch, options);
    if (options.dryRun) return result;
    await real(namespace, ref, revert, { ...options, fieldManager: 'argocd-controller' });
    for (const pod of await cluster.listPods(namespace, selector)) await cluster.deletePod(namespace, pod.metadata.name);
    return result;
  });
}

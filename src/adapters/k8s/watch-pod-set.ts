import type { ClusterError } from '../../core/cluster-error.js';
import type { Pod } from '../../core/k8s-types.js';

const RELIST_DELAY_MS = 100;

export interface WatchPodSetOptions {
  list(): Promise<{ pods: Pod[]; resourceVersion: string }>;
  /** Starts a watch from `resourceVersion`; resolves to the controller that ends it. */
  watch(resourceVersion: string, onEvent: (type: string, pod: Pod) => void, onDone: (error: unknown) => void): Promise<AbortController>;
  toError(error: unknown): ClusterError;
  isDone(pods: Pod[]): boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * kubectl wait's loop: list, then watch from the list's resourceVersion, keeping the set of pods
 * current; when a watch ends early (the server closes it, or its resourceVersion is too old),
 * list and watch again, until `isDone` holds, the time is up or the signal aborts.
 */
export function watchPodSet(options: WatchPodSetOptions): Promise<'done' | 'timeout' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const pods = new Map<string, Pod>();
    let controller: AbortController | undefined;
    let settled = false;
    const settle = (outcome: 'done' | 'timeout' | 'aborted' | ClusterError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      controller?.abort();
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    };
    const onAbort = () => settle('aborted');
    const timer = setTimeout(() => settle('timeout'), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) return settle('aborted');

    const check = () => {
      if (!settled && options.isDone([...pods.values()])) settle('done');
    };
    const cycle = async (): Promise<void> => {
      const listed = await options.list();
      pods.clear();
      for (const pod of listed.pods) pods.set(pod.metadata.uid ?? pod.metadata.name, pod);
      check();
      if (settled) return;
      controller = await options.watch(
        listed.resourceVersion,
        (type, pod) => {
          const key = pod.metadata.uid ?? pod.metadata.name;
          if (type === 'DELETED') pods.delete(key);
          else if (type === 'ADDED' || type === 'MODIFIED') pods.set(key, pod);
          check();
        },
        () => {
          // A pause before listing again keeps a server that closes every watch at once from spinning us.
          if (!settled) setTimeout(() => void cycle().catch((error: unknown) => settle(options.toError(error))), RELIST_DELAY_MS);
        },
      );
      if (settled) controller.abort();
    };
    void cycle().catch((error: unknown) => settle(options.toError(error)));
  });
}

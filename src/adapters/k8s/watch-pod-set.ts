import type { ClusterError } from '../../core/cluster-error.js';
import type { Pod } from '../../core/k8s-types.js';

const RELIST_DELAY_MS = 100;

export interface WatchPodSetOptions {
  list(): Promise<{ pods: Pod[]; resourceVersion: string }>;
  /** Starts a watch from `resourceVersion`; resolves to the function that ends it. */
  watch(resourceVersion: string, onEvent: (type: string, pod: Pod) => void, onDone: (error: unknown) => void): Promise<() => void>;
  toError(error: unknown): ClusterError;
  isDone(pods: Pod[]): boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * kubectl wait's loop: list, then watch from the list's resourceVersion, keeping the set of pods
 * current; when a watch ends early (the server closes it, its resourceVersion is too old, or it
 * went silent) list and watch again, until `isDone` holds, the time is up or the signal aborts.
 * "Time is up" is a verdict about the pods, so it needs a fresh answer from the server: a last
 * list decides, and a server that does not answer it fails the wait as unreachable instead.
 */
export function watchPodSet(options: WatchPodSetOptions): Promise<'done' | 'timeout' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const pods = new Map<string, Pod>();
    let stopWatch: (() => void) | undefined;
    let settled = false;
    const settle = (outcome: 'done' | 'timeout' | 'aborted' | ClusterError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      stopWatch?.();
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    };
    const onAbort = () => settle('aborted');
    const fail = (error: unknown) => settle(options.toError(error));
    const refresh = (listed: { pods: Pod[] }) => {
      pods.clear();
      for (const pod of listed.pods) pods.set(pod.metadata.uid ?? pod.metadata.name, pod);
    };
    let ending = false;
    const timer = setTimeout(() => {
      ending = true;
      stopWatch?.();
      options.list().then((listed) => {
        refresh(listed);
        settle(options.isDone([...pods.values()]) ? 'done' : 'timeout');
      }, fail);
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort);
    if (options.signal?.aborted) return settle('aborted');

    const check = () => {
      if (!settled && options.isDone([...pods.values()])) settle('done');
    };
    const cycle = async (): Promise<void> => {
      const listed = await options.list();
      if (settled) return;
      refresh(listed);
      check();
      if (settled) return;
      const stop = await options.watch(
        listed.resourceVersion,
        (type, pod) => {
          const key = pod.metadata.uid ?? pod.metadata.name;
          if (type === 'DELETED') pods.delete(key);
          else if (type === 'ADDED' || type === 'MODIFIED') pods.set(key, pod);
          check();
        },
        () => {
          // A pause before listing again keeps a server that closes every watch at once from spinning us.
          if (!settled && !ending) setTimeout(() => void cycle().catch(fail), RELIST_DELAY_MS);
        },
      );
      if (settled) stop();
      else stopWatch = stop;
    };
    void cycle().catch(fail);
  });
}

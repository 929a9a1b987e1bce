import type { Pod } from '../../core/k8s-types.js';
import type { PodChange, RelistCause } from '../../core/ports.js';
import { WatchIdleError } from './raw-watch.js';

export interface FollowPodsOptions {
  list(): Promise<{ pods: Pod[]; resourceVersion: string }>;
  /** Starts a watch from `resourceVersion`; resolves to the function that ends it. */
  watch(resourceVersion: string, onEvent: (type: string, object: unknown) => void, onDone: (error: unknown) => void): Promise<() => void>;
  onChange(change: PodChange): void;
  signal: AbortSignal;
  /** Waits between failed lists, doubling up to the last value. */
  backoffMs?: readonly number[];
}

const BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10_000, 30_000];

/**
 * An informer's loop without its cache: list, then watch from the list's resourceVersion, with
 * bookmarks. A watch the server ends is resumed from the last version seen; a version the server
 * no longer has (410 Expired), or a watch that failed, is listed again (a RELISTED change says
 * why); a list that fails is retried with back-off. It never gives up until the signal aborts.
 */
export async function followPods(options: FollowPodsOptions): Promise<void> {
  const { signal } = options;
  const backoff = options.backoffMs ?? BACKOFF_MS;
  let failures = 0;
  let resourceVersion: string | null = null;
  let why: { cause: RelistCause; reason: string } = { cause: 'start', reason: 'start' };
  while (!signal.aborted) {
    if (resourceVersion === null) {
      try {
        resourceVersion = await listAndHandOn(options, why);
        failures = 0;
      } catch (error) {
        await pause(backoff[Math.min(failures++, backoff.length - 1)]!, signal);
        why = { cause: 'list-failed', reason: `the list failed: ${(error as Error).message}` };
        continue;
      }
    }
    // A stop that came while the list was in flight: no watch to start, and none to wait for.
    if (signal.aborted) break;
    const started = Date.now();
    const ended = await watchOnce(options, resourceVersion, (version) => (resourceVersion = version));
    if (ended.relist) {
      resourceVersion = null;
      why = { cause: ended.cause, reason: ended.reason };
    } else if (Date.now() - started < 1000) {
      // A server that ends every watch at once must not spin us.
      await pause(1000, signal);
    }
  }
}

/**
 * Lists and hands the pods on; only the resourceVersion comes back. A function of its own so the
 * list is garbage once handed on: held in followPods, it would stay reachable from that function's
 * suspended frame for as long as the watch after it runs (for 10,000 pods, ~45 MB kept for nothing).
 */
async function listAndHandOn(options: FollowPodsOptions, why: { cause: RelistCause; reason: string }): Promise<string> {
  const listed = await options.list();
  options.onChange({ type: 'RELISTED', ...why, pods: listed.pods });
  return listed.resourceVersion;
}

interface WatchEnd {
  relist: boolean;
  cause: RelistCause;
  reason: string;
}

/** One watch, until it ends: whether to list again (and why), or resume from the last version. */
function watchOnce(options: FollowPodsOptions, from: string, seen: (version: string) => void): Promise<WatchEnd> {
  return new Promise((resolve) => {
    let stop: (() => void) | undefined;
    let outcome: WatchEnd | null = null;
    const end = (result: WatchEnd) => {
      outcome ??= result;
      stop?.();
    };
    const onAbort = () => end({ relist: false, cause: 'dropped', reason: 'stopped' });
    options.signal.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      options.signal.removeEventListener('abort', onAbort);
      resolve(outcome ?? { relist: false, cause: 'dropped', reason: 'the server ended the watch' });
    };
    options
      .watch(
        from,
        (type, object) => {
          const version = (object as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
          if (type === 'ERROR') {
            const status = object as { code?: number; message?: string };
            end(status.code === 410
              ? { relist: true, cause: 'expired', reason: 'resourceVersion expired (410)' }
              : { relist: true, cause: 'watch-error', reason: `watch error: ${status.message ?? 'unknown'}` });
            return;
          }
          if (version) seen(version);
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') options.onChange({ type, pod: object as Pod });
        },
        (error) => {
          if (error) outcome ??= { relist: true, cause: error instanceof WatchIdleError ? 'idle-timeout' : 'dropped', reason: `the watch failed: ${(error as Error).message}` };
          finish();
        },
      )
      .then(
        (stopWatch) => {
          stop = stopWatch;
          if (outcome) stopWatch();
        },
        (error: unknown) => {
          outcome ??= { relist: true, cause: 'dropped', reason: `the watch could not start: ${(error as Error).message}` };
          finish();
        },
      );
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

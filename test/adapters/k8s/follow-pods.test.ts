import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { followPods } from '../../../src/adapters/k8s/follow-pods.js';
import type { Pod } from '../../../src/core/k8s-types.js';

setFlagsFromString('--expose-gc');
/** A full garbage collection on demand (the flag set above is read when a new context is made). */
const gc = runInNewContext('gc') as () => void;

describe('followPods', () => {
  test('a stop that comes while the first list is in flight ends the loop: no watch is started', async () => {
    const stop = new AbortController();
    let watches = 0;
    const followed = followPods({
      list: async () => {
        stop.abort();
        return { pods: [], resourceVersion: '7' };
      },
      watch: async () => {
        watches++;
        return () => undefined;
      },
      onChange: () => undefined,
      signal: stop.signal,
    });
    await expect(followed).resolves.toBeUndefined();
    expect(watches).toBe(0);
  });

  test('the list is not kept while the watch after it runs: what stays in memory does not grow with the cluster', async () => {
    const stop = new AbortController();
    let listed: WeakRef<Pod[]> | undefined;
    let watching = () => {};
    const watchStarted = new Promise<void>((resolve) => (watching = resolve));
    const followed = followPods({
      list: async () => {
        const pods = Array.from({ length: 1000 }, (_, i) => ({ metadata: { name: `pod-${i}`, namespace: 'shop' } }) as Pod);
        listed = new WeakRef(pods);
        return { pods, resourceVersion: '7' };
      },
      // A watch that stays open until it is stopped.
      watch: async (_version, _onEvent, onDone) => {
        watching();
        return () => onDone(null);
      },
      onChange: () => undefined,
      signal: stop.signal,
    });
    await watchStarted;
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(listed?.deref()).toBeUndefined();
    stop.abort();
    await followed;
  });
});

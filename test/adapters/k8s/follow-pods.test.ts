import { followPods } from '../../../src/adapters/k8s/follow-pods.js';

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
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../core/ports.js';

/** Wall-clock time; `sleep` rejects with the signal's reason when it aborts, as timers/promises does. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms, signal) => {
    await sleep(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
};

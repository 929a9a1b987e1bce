import type { Clock, Logger } from '../core/ports.js';

export interface ScheduledWork {
  name: string;
  /** What to do each time; a failure is logged and the schedule goes on. */
  run(): unknown;
  /** How long to sleep after a run, in ms (recomputed each time: e.g. until the next approval runs out). */
  nextInMs(): number;
}

/**
 * Work that repeats on the injected clock until `signal` aborts: approval expiry, picking up runs
 * a dead process left. Unlike cron, it wakes exactly when its next item is due, and tests move
 * the clock instead of waiting. Resolves once stopped and the run in progress has finished.
 */
export async function onSchedule(clock: Clock, log: Logger, signal: AbortSignal, work: ScheduledWork): Promise<void> {
  while (!signal.aborted) {
    try {
      await work.run();
    } catch (error) {
      log.error({ err: error, job: work.name }, 'scheduled work failed; it runs again at its next time');
    }
    try {
      await clock.sleep(Math.max(0, work.nextInMs()), signal);
    } catch {
      return; // aborted: the bot is stopping
    }
  }
}

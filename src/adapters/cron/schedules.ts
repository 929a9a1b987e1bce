import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../core/ports.js';

export interface Job {
  name: string;
  /** A cron expression (validated by the config). */
  schedule: string;
  run(): Promise<unknown>;
}

/** node-cron jobs that never overlap themselves; a failing run is logged and the next one goes ahead. */
export function startSchedules(jobs: readonly Job[], log: Logger): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.schedule,
      async () => {
        try {
          await job.run();
        } catch (error) {
          log.error({ err: error, job: job.name }, 'a scheduled job failed; it runs again at its next time');
        }
      },
      { name: job.name, noOverlap: true },
    ),
  );
  return {
    stop: async () => {
      // stop() is void in some node-cron task kinds and a promise in others.
      await Promise.all(tasks.map(async (task) => task.stop()));
    },
  };
}

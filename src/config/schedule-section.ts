import cron from 'node-cron';
import { z } from 'zod';

/** When the cluster is looked at: the periodic sweep (OOM_CHECK_SWEEP_SCHEDULE) and the pod watch (OOM_CHECK_WATCH). */
export const scheduleSection = z
  .object({
    OOM_CHECK_SWEEP_SCHEDULE: z
      .string()
      .default('* * * * *')
      .refine((text) => text === 'off' || cron.validate(text), { error: 'must be a cron expression such as "* * * * *" (every minute) or off' }),
    OOM_CHECK_WATCH: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  })
  .transform((env) => ({
    sweep: env.OOM_CHECK_SWEEP_SCHEDULE === 'off' ? null : env.OOM_CHECK_SWEEP_SCHEDULE,
    watch: env.OOM_CHECK_WATCH === 'on',
  }));

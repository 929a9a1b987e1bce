import { z } from 'zod';

const DURATION = /^(\d+)(s|m|h)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Who is pinged while an approval waits. When is the runbook's (`steps.approve.escalation`);
 * OOM_CHECK_REMIND_AFTER, the older setting, still turns the pings off (`off`) or moves the
 * approvers' re-notification (a duration). Expiry is the lifecycle's and fires either way.
 */
export const escalationSection = z
  .object({
    SLACK_ONCALL_GROUP: z
      .string()
      .regex(/^[SUW][A-Z0-9]{2,}$/, { error: 'must be a Slack user-group ID (S…) or a user ID (U…/W…): who is mentioned when an approval still waits at the runbook\'s mentionOncallAfterSeconds' })
      .optional(),
    OOM_CHECK_REMIND_AFTER: z
      .string()
      .refine((text) => text === 'off' || DURATION.test(text), { error: 'must be a duration such as 90s, 10m or 1h, or off' })
      .optional(),
  })
  .transform((env) => {
    const [, amount, unit] = DURATION.exec(env.OOM_CHECK_REMIND_AFTER ?? '') ?? [];
    return {
      oncallGroup: env.SLACK_ONCALL_GROUP ?? null,
      /** False with OOM_CHECK_REMIND_AFTER=off: nobody is pinged again (the approval still expires). */
      enabled: env.OOM_CHECK_REMIND_AFTER !== 'off',
      /** OOM_CHECK_REMIND_AFTER as a duration: replaces the runbook's remindApproversAfterSeconds. */
      remindAfterMs: amount ? Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS] : null,
    };
  });

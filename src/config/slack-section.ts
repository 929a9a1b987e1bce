import { z } from 'zod';
import { commaList } from './comma-list.js';
import { DURATION, durationMs } from './duration-ms.js';

const SLACK_APPROVER = /^[UWS][A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^([CGD][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$/;

/**
 * The Slack app: its tokens (Socket Mode with SLACK_APP_TOKEN, else HTTP with the signing secret),
 * the channel, the approvers, the pacer's rate scale and storm mode (OOM_CHECK_STORM_*).
 */
export const slackSection = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is required: the bot token from the Slack app page "OAuth & Permissions", starting xoxb-' })
      .startsWith('xoxb-', { error: 'must be a bot token starting xoxb- (not a user or app token)' }),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith('xapp-', { error: 'must be an app-level token starting xapp- (Basic Information > App-Level Tokens)' })
      .optional(),
    SLACK_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://slack.com/api/' })
      .transform((url) => (url.endsWith('/') ? url : `${url}/`))
      .optional(),
    SLACK_CHANNEL: z
      .string()
      .regex(SLACK_CHANNEL, { error: 'must be a channel ID such as C0123ABCD or a #channel-name' })
      .optional(),
    SLACK_RATE_SCALE: z.coerce.number({ error: 'must be a number, 1 against Slack itself' }).positive({ error: 'must be above 0' }).max(1000).default(1),
    OOM_CHECK_STORM_THRESHOLD: z
      .string()
      .default('5')
      .refine((text) => text === 'off' || (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 10_000), { error: 'must be a whole number of incidents from 1 to 10000 (storm mode starts above it), or off' }),
    OOM_CHECK_STORM_WINDOW: z
      .string()
      .default('5m')
      .refine((text) => DURATION.test(text) && durationMs(text) >= 10_000 && durationMs(text) <= 86_400_000, { error: 'must be a duration from 10s to 24h, such as 5m' }),
    SLACK_APPROVERS: commaList(
      SLACK_APPROVER,
      'must list Slack user IDs (U…/W…) or user-group IDs (S…), comma-separated, e.g. U012AB3CD,S0614TZR7',
    ).refine((ids) => ids.length > 0, { error: 'is required: without approvers nobody could approve a patch; list Slack user or user-group IDs' }),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required in HTTP mode: the signing secret from the Slack app page "Basic Information" (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  })
  .transform((env) => ({
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET ?? null,
    appToken: env.SLACK_APP_TOKEN ?? null,
    socketMode: env.SLACK_APP_TOKEN !== undefined,
    apiUrl: env.SLACK_API_URL ?? null,
    channel: env.SLACK_CHANNEL ?? null,
    approvers: env.SLACK_APPROVERS,
    /** Multiplies Slack's documented rates in the pacer: only for a local replica enforcing the same scaled limits. */
    rateScale: env.SLACK_RATE_SCALE,
    storm: env.OOM_CHECK_STORM_THRESHOLD === 'off' ? null : { threshold: Number(env.OOM_CHECK_STORM_THRESHOLD), windowMs: durationMs(env.OOM_CHECK_STORM_WINDOW) },
  }));

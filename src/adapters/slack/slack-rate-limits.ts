/**
 * How fast oom-check calls each Slack Web API method, from Slack's documentation ("Rate limits":
 * limits apply per method, per app, per workspace; Tier 2 allows 20+ calls a minute, Tier 3 50+,
 * Tier 4 100+; chat.postMessage is a special tier of about one message per second per channel,
 * with short bursts, and each method's page names its tier). The bot stays at the documented
 * floor of each tier, so it never depends on the "+".
 */
export interface MethodLimit {
  perMinute: number;
  /** Calls allowed at once from a full bucket: Slack tolerates short bursts. */
  burst: number;
  /** Counted per channel (chat.postMessage), not per workspace. */
  perChannel: boolean;
}

const tier = (perMinute: number, burst: number): MethodLimit => ({ perMinute, burst, perChannel: false });

export const SLACK_METHOD_LIMITS: Readonly<Record<string, MethodLimit>> = {
  // Special tier: ~1 per second per channel, short bursts.
  'chat.postMessage': { perMinute: 60, burst: 3, perChannel: true },
  'chat.update': tier(50, 5),
  'chat.postEphemeral': tier(100, 10),
  'chat.getPermalink': tier(100, 10),
  'views.open': tier(100, 10),
  // filesUploadV2 calls files.getUploadURLExternal and files.completeUploadExternal (both Tier 4)
  // for every file; the bot paces the pair as one call.
  'files.uploadV2': tier(100, 5),
  'usergroups.users.list': tier(20, 3),
  'usergroups.list': tier(20, 3),
  'users.info': tier(100, 10),
};

/** A method the table does not name is paced as Tier 2, the tier most methods have. */
export const DEFAULT_METHOD_LIMIT: MethodLimit = tier(20, 3);

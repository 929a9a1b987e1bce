/**
 * Slack's Web API rate limits as the replica enforces them (opt-in), from Slack's documentation
 * ("Rate limits", and each method's "Rate limits" fact): limits apply per method, per app, per
 * workspace; chat.postMessage is a special tier of about one message per second per channel with
 * short bursts. Over a limit, the replica answers HTTP 429 `{ ok: false, error: 'ratelimited' }`
 * with `Retry-After` in whole seconds, as Slack does. This table is the replica's own (it stands
 * for Slack): the bot's pacing table is separate, so a bot that misjudges Slack is caught here.
 */

export interface ReplicaLimit {
  /** Calls per minute refilled (Tier 2: 20, Tier 3: 50, Tier 4: 100; chat.postMessage 60 per channel). */
  perMinute: number;
  /** Calls allowed at once from a full bucket. */
  burst: number;
  /** The limit is counted per channel (chat.postMessage) rather than per workspace. */
  perChannel: boolean;
}

export const SLACK_DOCUMENTED_LIMITS: Readonly<Record<string, ReplicaLimit>> = {
  'chat.postMessage': { perMinute: 60, burst: 4, perChannel: true },
  'chat.update': { perMinute: 50, burst: 10, perChannel: false },
  'chat.postEphemeral': { perMinute: 100, burst: 20, perChannel: false },
  'chat.getPermalink': { perMinute: 100, burst: 20, perChannel: false },
  'views.open': { perMinute: 100, burst: 20, perChannel: false },
  'files.getUploadURLExternal': { perMinute: 100, burst: 20, perChannel: false },
  'files.completeUploadExternal': { perMinute: 100, burst: 20, perChannel: false },
  'usergroups.users.list': { perMinute: 20, burst: 5, perChannel: false },
  'users.info': { perMinute: 100, burst: 20, perChannel: false },
};

export interface ReplicaRateLimitOptions {
  /** Multiplies every rate (not the bursts): 10 runs a benchmark ten times faster than Slack would. Default 1. */
  scale?: number;
  /** Overrides or additions to the documented table. */
  limits?: Record<string, ReplicaLimit>;
  /** The replica's clock, in ms (default Date.now): tests move it by hand. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets per method (and channel, for chat.postMessage): admits a call or says how long to wait. */
export class ReplicaRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits: Record<string, ReplicaLimit>;
  private readonly scale: number;
  private readonly now: () => number;

  constructor(options: ReplicaRateLimitOptions = {}) {
    this.scale = options.scale ?? 1;
    if (!(this.scale > 0)) throw new Error(`rateLimits.scale must be above 0, got ${this.scale}`);
    this.limits = { ...SLACK_DOCUMENTED_LIMITS, ...options.limits };
    this.now = options.now ?? Date.now;
  }

  /** Null when the call is admitted (and counted); else the Retry-After, in whole seconds (at least 1). */
  admit(method: string, args: Record<string, unknown>): number | null {
    const limit = this.limits[method];
    if (limit === undefined) return null;
    const channel = typeof args.channel === 'string' ? args.channel : typeof args.channel_id === 'string' ? args.channel_id : '';
    const key = limit.perChannel ? `${method} ${channel}` : method;
    const perMs = (limit.perMinute * this.scale) / 60_000;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  reset(): void {
    this.buckets.clear();
  }
}

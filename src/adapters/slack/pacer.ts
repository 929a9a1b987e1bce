import type { Clock } from '../../core/ports.js';
import { DEFAULT_METHOD_LIMIT, SLACK_METHOD_LIMITS, type MethodLimit } from './slack-rate-limits.js';

export interface PacerOptions {
  /** Multiplies every rate (not the bursts): for a local Slack replica enforcing the same scaled limits. Default 1. */
  scale?: number;
  limits?: Readonly<Record<string, MethodLimit>>;
  /** How often one call is retried after a 429 before it fails for good. */
  maxRetries?: number;
}

interface Lane {
  limit: MethodLimit;
  tokens: number;
  last: number;
  pausedUntil: number;
  urgent: Array<() => void>;
  normal: Array<() => void>;
  pumping: boolean;
}

/** Seconds a rate-limited WebClient call says to wait (rejectRateLimitedCalls), or null for any other error. */
export function retryAfterSeconds(error: unknown): number | null {
  const coded = error as { code?: unknown; retryAfter?: unknown } | null;
  return coded?.code === 'slack_webapi_rate_limited_error' && typeof coded.retryAfter === 'number' ? coded.retryAfter : null;
}

/**
 * Token buckets in front of Slack's Web API, one per method, and per channel for chat.postMessage,
 * as Slack counts them: a storm's card updates do not hold back another channel's messages, and a
 * 429's Retry-After pauses only the method (and channel) it came for. Urgent calls (cards, approval
 * prompts) go before thread replies of the same method; each lane keeps its order.
 */
export class Pacer {
  private readonly lanes = new Map<string, Lane>();
  private readonly scale: number;
  private readonly limits: Readonly<Record<string, MethodLimit>>;
  private readonly maxRetries: number;

  constructor(
    private readonly clock: Clock,
    options: PacerOptions = {},
  ) {
    this.scale = options.scale ?? 1;
    this.limits = options.limits ?? SLACK_METHOD_LIMITS;
    this.maxRetries = options.maxRetries ?? 5;
  }

  /** Resolves when a call to `method` (in `channel`) may go. */
  take(method: string, channel: string | null = null, urgent = false): Promise<void> {
    const lane = this.lane(method, channel);
    return new Promise((resolve) => {
      lane[urgent ? 'urgent' : 'normal'].push(resolve);
      void this.pump(lane);
    });
  }

  /** Slack said to wait (Retry-After): nothing more goes to this method (and channel) before then. */
  pause(method: string, channel: string | null, ms: number): void {
    const lane = this.lane(method, channel);
    const until = this.clock.now().getTime() + ms;
    if (until <= lane.pausedUntil) return;
    lane.pausedUntil = until;
    lane.tokens = 1;
    lane.last = until;
  }

  /** Sends through the lane, waiting its turn; a 429 pauses the lane for its Retry-After and the call is sent again, ahead of the lane's queue. */
  async call<T>(method: string, channel: string | null, send: () => Promise<T>, options: { urgent?: boolean } = {}): Promise<T> {
    let urgent = options.urgent === true;
    for (let attempt = 0; ; attempt++) {
      await this.take(method, channel, urgent);
      try {
        return await send();
      } catch (error) {
        const retryAfter = retryAfterSeconds(error);
        if (retryAfter === null || attempt >= this.maxRetries) throw error;
        this.pause(method, channel, retryAfter * 1000);
        urgent = true;
      }
    }
  }

  private lane(method: string, channel: string | null): Lane {
    const limit = this.limits[method] ?? DEFAULT_METHOD_LIMIT;
    const key = limit.perChannel ? `${method} ${channel ?? ''}` : method;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { limit, tokens: limit.burst, last: this.clock.now().getTime(), pausedUntil: 0, urgent: [], normal: [], pumping: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private async pump(lane: Lane): Promise<void> {
    if (lane.pumping) return;
    lane.pumping = true;
    const perMs = (lane.limit.perMinute * this.scale) / 60_000;
    try {
      while (lane.urgent.length + lane.normal.length > 0) {
        const now = this.clock.now().getTime();
        if (now < lane.pausedUntil) {
          await this.clock.sleep(lane.pausedUntil - now);
          continue;
        }
        lane.tokens = Math.min(lane.limit.burst, lane.tokens + Math.max(0, now - lane.last) * perMs);
        lane.last = Math.max(lane.last, now);
        if (lane.tokens >= 1) {
          lane.tokens -= 1;
          (lane.urgent.shift() ?? lane.normal.shift())?.();
        } else {
          await this.clock.sleep(Math.ceil((1 - lane.tokens) / perMs));
        }
      }
    } finally {
      lane.pumping = false;
    }
  }
}

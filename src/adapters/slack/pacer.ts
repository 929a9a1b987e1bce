import type { Clock } from '../../core/ports.js';

/**
 * A token bucket in front of Slack's Web API: `burst` calls at once, then `perSecond`. An alert
 * storm queues here instead of running into Slack's rate limits (chat.postMessage: about one
 * message per second per channel, with short bursts). Urgent calls (cards, approval prompts)
 * go before thread replies; each lane keeps its order.
 */
export class Pacer {
  private tokens: number;
  private last: number;
  private readonly lanes: { urgent: Array<() => void>; normal: Array<() => void> } = { urgent: [], normal: [] };
  private pumping = false;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now().getTime();
  }

  /** Resolves when a call may go. */
  take(urgent = false): Promise<void> {
    return new Promise((resolve) => {
      this.lanes[urgent ? 'urgent' : 'normal'].push(resolve);
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.lanes.urgent.length + this.lanes.normal.length > 0) {
        const now = this.clock.now().getTime();
        this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          (this.lanes.urgent.shift() ?? this.lanes.normal.shift())?.();
        } else {
          await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.perSecond) * 1000));
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}

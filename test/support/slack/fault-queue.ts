/**
 * Programmed failures per Web API method, consumed in the order they were queued.
 */

/** What the replica answers instead of the real result. */
export type SlackFault =
  /** HTTP 429 with `Retry-After: <retryAfter>` and `{ ok: false, error: 'ratelimited' }`. */
  | { status: 429; retryAfter: number }
  /** HTTP 5xx with a short text body (Slack's edge answers HTML/text, not JSON). */
  | { status: 500 | 502 | 503 | 504 }
  /** HTTP 200 with `{ ok: false, error, ...extra }`, e.g. `channel_not_found`. */
  | { error: string; extra?: Record<string, unknown> };

interface Queued {
  fault: SlackFault;
  remaining: number;
}

export class FaultQueue {
  private readonly byMethod = new Map<string, Queued[]>();

  push(method: string, fault: SlackFault, times: number): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new Error(`failNext(${method}): times must be a positive integer, got ${times}`);
    }
    if ('status' in fault && fault.status === 429 && !(fault.retryAfter >= 0)) {
      throw new Error(`failNext(${method}): a 429 fault needs retryAfter in seconds (>= 0)`);
    }
    const queue = this.byMethod.get(method) ?? [];
    queue.push({ fault, remaining: times });
    this.byMethod.set(method, queue);
  }

  /** The fault for the next attempt at `method`, if one is queued; consumes it. */
  take(method: string): SlackFault | undefined {
    const queue = this.byMethod.get(method);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) queue.shift();
    if (queue.length === 0) this.byMethod.delete(method);
    return head.fault;
  }

  /** Faults not yet consumed, per method (lets a test assert its faults were all used). */
  pending(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [method, queue] of this.byMethod) out[method] = queue.reduce((sum, q) => sum + q.remaining, 0);
    return out;
  }

  clear(): void {
    this.byMethod.clear();
  }
}

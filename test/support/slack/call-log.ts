/**
 * Every Web API request the replica answered, in arrival order, and waiters for calls that have
 * not arrived yet. A waiter resolves with the first matching call that was not a programmed
 * fault, whether it was recorded before or after `waitFor` was called.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedCall {
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  /**
   * Arguments as the replica understood them. Form posts carry strings (`length: '12'`,
   * `unfurl_links: 'false'`); JSON-valued fields (`blocks`, `attachments`, `view`, `files`,
   * `metadata`, ...) are decoded to objects.
   */
  args: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  at: Date;
  /** True when a `failNext` fault (or, with rateLimits on, the rate limiter) answered this attempt. */
  faulted: boolean;
  /** HTTP status the replica answered with. */
  status: number;
  /** The JSON body the replica answered with (`{ ok: false, error }` for failures). */
  response: Record<string, unknown>;
}

export type CallPredicate = (call: RecordedCall) => boolean;

interface Waiter {
  method: string;
  predicate: CallPredicate;
  resolve: (call: RecordedCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function matches(call: RecordedCall, method: string, predicate: CallPredicate): boolean {
  return call.method === method && !call.faulted && predicate(call);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class CallLog {
  private readonly recorded: RecordedCall[] = [];
  private readonly waiters = new Set<Waiter>();

  record(call: RecordedCall): void {
    this.recorded.push(call);
    for (const waiter of [...this.waiters]) {
      let matched: boolean;
      try {
        matched = matches(call, waiter.method, waiter.predicate);
      } catch (error) {
        // A throwing predicate fails its own wait, not the request being recorded.
        this.settle(waiter, asError(error));
        continue;
      }
      if (matched) this.settle(waiter, call);
    }
  }

  list(method?: string): RecordedCall[] {
    return this.recorded.filter((call) => method === undefined || call.method === method);
  }

  waitFor(method: string, predicate: CallPredicate, timeoutMs: number): Promise<RecordedCall> {
    let earlier: RecordedCall | undefined;
    try {
      earlier = this.recorded.find((call) => matches(call, method, predicate));
    } catch (error) {
      return Promise.reject(asError(error));
    }
    if (earlier !== undefined) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const seen = this.recorded.map((call) => (call.faulted ? `${call.method}(faulted)` : call.method));
          reject(
            new Error(
              `No matching ${method} call within ${timeoutMs} ms; the replica saw: ${seen.join(', ') || 'no calls'}. ` +
                'Check that the client points at replica.apiUrl and that the code under test reached the call.',
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  clear(): void {
    this.recorded.length = 0;
  }

  /** Rejects every pending waiter (the replica is closing). */
  abandon(reason: string): void {
    for (const waiter of [...this.waiters]) this.settle(waiter, new Error(`Stopped waiting for ${waiter.method}: ${reason}`));
  }

  private settle(waiter: Waiter, outcome: RecordedCall | Error): void {
    this.waiters.delete(waiter);
    clearTimeout(waiter.timer);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }
}

/**
 * Every timer the simulator sets goes through here, for two reasons: simulated durations are
 * multiplied by the time scale (0.001 turns a 10 s back-off into 10 ms), and close() can clear all
 * of them, so a test that closes the simulator leaves no open handle behind.
 */
export class ScaledTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  /** `timeScale` real seconds pass per simulated second; `onError` gets exceptions thrown by callbacks. */
  constructor(
    readonly timeScale: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs `fn` after `simSeconds` of simulated time; returns a cancel function. */
  after(simSeconds: number, fn: () => void): () => void {
    return this.afterMs(Math.max(0, simSeconds * 1000 * this.timeScale), fn);
  }

  /** Runs `fn` after `ms` of real time (network delays, watch timeouts: things a client times in real seconds). */
  afterMs(ms: number, fn: () => void): () => void {
    if (this.closed) return () => undefined;
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      try {
        fn();
      } catch (error) {
        this.onError(error);
      }
    }, ms);
    this.pending.add(handle);
    return () => {
      clearTimeout(handle);
      this.pending.delete(handle);
    };
  }

  /** Simulated seconds elapsed since the real time `sinceMs`. */
  simSecondsSince(sinceMs: number, nowMs = Date.now()): number {
    return (nowMs - sinceMs) / 1000 / this.timeScale;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Cancels everything pending and refuses new timers. */
  close(): void {
    this.closed = true;
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}

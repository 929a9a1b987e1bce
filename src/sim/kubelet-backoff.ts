/**
 * The kubelet's crash back-off, as client-go's flowcontrol.Backoff behaves with the kubelet's
 * settings (pkg/kubelet: 10 s initial, 5 min cap), in simulated seconds.
 *
 * What makes it look odd from outside is `doBackOff` (kuberuntime_manager.go): a container that
 * exited is checked with IsInBackOffSince(key, finishedAt) and, when that is false, restarted at
 * once after Next(key). The first crash finds no entry, so it restarts without any back-off
 * (kubernetes/kubernetes#133472: "containers have to crash twice before a backoff is applied");
 * the second crash falls inside the 10 s window Next opened, and so on, doubling.
 */

export const INITIAL_BACKOFF_SECONDS = 10;
export const MAX_BACKOFF_SECONDS = 300;

interface Entry {
  backoff: number;
  lastUpdate: number;
}

export class KubeletBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initial = INITIAL_BACKOFF_SECONDS,
    private readonly max = MAX_BACKOFF_SECONDS,
  ) {}

  /** The current window for `key` (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.backoff ?? 0;
  }

  /** True while less than the current window has passed since `eventTime` (the container's finish). */
  isInBackOffSince(key: string, eventTime: number, now: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(eventTime, entry.lastUpdate)) return false;
    return now - eventTime < entry.backoff;
  }

  /** Opens the first window, or doubles the current one up to the cap; called when a restart goes ahead. */
  next(key: string, now: number): void {
    const entry = this.entries.get(key);
    if (!entry || this.expired(now, entry.lastUpdate)) {
      this.entries.set(key, { backoff: this.initial, lastUpdate: now });
      return;
    }
    this.entries.set(key, { backoff: Math.min(entry.backoff * 2, this.max), lastUpdate: now });
  }

  /** Forgets a container (its pod is gone). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** A container that ran longer than twice the cap since the last restart starts over (hasExpired). */
  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.max * 2;
  }
}

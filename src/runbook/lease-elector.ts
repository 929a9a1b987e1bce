import { isClusterError } from '../core/cluster-error.js';
import type { Clock, LeaseClient, LeaseRecord, LeaseSpec, Logger } from '../core/ports.js';

export interface ElectorSettings {
  /** The cluster whose Lease this is (for logs and messages). */
  cluster: string;
  /** This process, as the Lease's holderIdentity names it (the same as its run claims). */
  identity: string;
  /** leaseDurationSeconds: how long the Lease holds without renewal. */
  durationSeconds: number;
}

/**
 * Leader election on one coordination.k8s.io Lease, as client-go's leaderelection does it: try
 * every duration/3 to create, renew or take over the Lease (the resourceVersion makes two writers
 * race safely: one gets 409). A leader that has not renewed for 2/3 of the duration stops acting
 * at once, by its own clock, without waiting for a request to fail; a standby takes over only once
 * the holder's renewTime is a whole duration old. The third in between absorbs clock skew between
 * the two processes and a request in flight. A Lease released (no holder) is taken at once.
 */
export class LeaseElector {
  private leadingUntil: number | null = null;
  private holder: string | null = null;

  constructor(
    private readonly deps: { client: LeaseClient; clock: Clock; log: Logger; onChange?: (leading: boolean) => void },
    readonly settings: ElectorSettings,
  ) {}

  get durationMs(): number {
    return this.settings.durationSeconds * 1000;
  }

  /** How often the Lease is renewed (and a standby looks at it). */
  get retryMs(): number {
    return Math.floor(this.durationMs / 3);
  }

  /** After this long without a successful renewal, the leader stops acting. */
  get renewDeadlineMs(): number {
    return Math.floor((this.durationMs * 2) / 3);
  }

  leads(): boolean {
    return this.leadingUntil !== null && this.deps.clock.now().getTime() < this.leadingUntil;
  }

  /** Who acts on the cluster, as far as this process knows. */
  describe(): string {
    if (this.leads()) return `this process (${this.settings.identity})`;
    return this.holder && this.holder !== this.settings.identity ? `oom-check process ${this.holder}` : 'no process yet';
  }

  /** Tries every retryMs (first at once, unless the caller just did) until the signal aborts. */
  async run(signal: AbortSignal, options: { triedNow?: boolean } = {}): Promise<void> {
    let wait = options.triedNow === true;
    while (!signal.aborted) {
      if (wait) {
        try {
          await this.deps.clock.sleep(this.retryMs, signal);
        } catch {
          return; // aborted: the bot stops
        }
      }
      wait = true;
      await this.tryOnce();
    }
  }

  /** One round: acquire, renew or stand by. Resolves whether this process leads afterwards. */
  async tryOnce(): Promise<boolean> {
    const started = this.deps.clock.now().getTime();
    try {
      if (await this.acquireOrRenew(started)) this.lead(started + this.renewDeadlineMs);
      else this.stand('another process holds the Lease');
    } catch (error) {
      if (isClusterError(error, 'Conflict')) this.stand('another process wrote the Lease first');
      else {
        this.deps.log.warn({ err: error, cluster: this.settings.cluster }, 'the Lease could not be read or renewed; trying again');
        // A leader keeps acting until its renew deadline, and no longer.
        if (!this.leads()) this.stand('the Lease could not be renewed in time');
      }
    }
    return this.leads();
  }

  /**
   * Stops acting, then writes the Lease free, so that a standby takes over at its next try instead
   * of a whole duration later. Called once the runner has stopped: nothing writes after this.
   */
  async release(): Promise<void> {
    if (this.leadingUntil === null) return;
    this.stand('this process stops');
    try {
      const current = await this.deps.client.get();
      if (current?.holder !== this.settings.identity) return;
      await this.deps.client.replace({ ...specOf(current), holder: null }, current.resourceVersion);
    } catch (error) {
      this.deps.log.warn({ err: error, cluster: this.settings.cluster }, 'the Lease could not be released; a standby takes over when it expires');
    }
  }

  private async acquireOrRenew(startedMs: number): Promise<boolean> {
    const { client } = this.deps;
    const me = this.settings.identity;
    const now = new Date(startedMs).toISOString();
    const mine = (acquireTime: string, transitions: number): LeaseSpec => ({ holder: me, durationSeconds: this.settings.durationSeconds, acquireTime, renewTime: now, transitions });
    const current = await client.get();
    if (!current) {
      await client.create(mine(now, 0));
      this.holder = me;
      return true;
    }
    this.holder = current.holder;
    if (current.holder === me) {
      await client.replace(mine(current.acquireTime ?? now, current.transitions), current.resourceVersion);
      return true;
    }
    if (!expired(current, startedMs)) return false;
    await client.replace(mine(now, current.transitions + 1), current.resourceVersion);
    this.holder = me;
    return true;
  }

  private lead(until: number): void {
    const was = this.leadingUntil !== null;
    this.leadingUntil = until;
    if (was) return;
    this.deps.log.info({ cluster: this.settings.cluster, identity: this.settings.identity }, 'this process holds the Lease: it acts on the cluster');
    this.deps.onChange?.(true);
  }

  private stand(why: string): void {
    if (this.leadingUntil === null) return;
    this.leadingUntil = null;
    this.deps.log.warn({ cluster: this.settings.cluster, why }, 'this process no longer holds the Lease: it stands by');
    this.deps.onChange?.(false);
  }
}

/** Free (released, or never held), or not renewed for a whole duration by its holder's clock. */
function expired(lease: LeaseRecord, atMs: number): boolean {
  if (!lease.holder) return true;
  const renewed = Date.parse(lease.renewTime ?? lease.acquireTime ?? '');
  if (Number.isNaN(renewed) || lease.durationSeconds <= 0) return true;
  return atMs >= renewed + lease.durationSeconds * 1000;
}

function specOf(lease: LeaseRecord): LeaseSpec {
  return { holder: lease.holder, durationSeconds: lease.durationSeconds, acquireTime: lease.acquireTime, renewTime: lease.renewTime, transitions: lease.transitions };
}

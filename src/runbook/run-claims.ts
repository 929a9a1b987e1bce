import { ErrorCode, isOomCheckError, OomCheckError } from '../core/errors.js';
import type { Clock, RunStore } from '../core/ports.js';
import type { RunClaim, RunRecord } from '../core/run.js';

export interface ClaimSettings {
  /** This process, as other processes name it: `host:pid:nonce`. */
  owner: string;
  /** How long a claim holds without renewal: after a crash, the run waits this long for another process. */
  ttlMs: number;
  /**
   * Whether the process that named itself `owner` is known to be gone (same host, no such pid):
   * its claim is taken over at once instead of when it expires. Unknown means alive.
   */
  isGone?: (owner: string) => boolean;
}

/** Defaults: an API write has a 10 s deadline, so a claim renewed before it outlives it. */
export const DEFAULT_CLAIM_TTL_MS = 30_000;

/** Another process holds the run. */
export function runClaimed(incidentId: number, holder: RunClaim): OomCheckError {
  return new OomCheckError(
    ErrorCode.RunClaimed,
    `incident ${incidentId} is being run by another oom-check process (${holder.owner}); its claim holds until ${holder.until} ` +
      'and is renewed while it works. Wait for it to finish, or run again once it has stopped.',
  );
}

/** This process's claim passed to another process (it stalled past it): it stops, the other goes on. */
export function lostClaim(incidentId: number): OomCheckError {
  return new OomCheckError(ErrorCode.RunClaimed, `incident ${incidentId}: another oom-check process took over the run; this one stopped`);
}

/**
 * One owner per run at a time. A process claims a run before it acts on it, renews the claim
 * while a step works, and gives it up when it stops; a crashed owner's claim simply expires.
 */
export class RunClaims {
  constructor(
    private readonly runs: RunStore,
    private readonly clock: Clock,
    readonly settings: ClaimSettings,
  ) {}

  get owner(): string {
    return this.settings.owner;
  }

  /** Claims (or renews) the run; throws RunClaimed naming the holder when another process has it. */
  take(incidentId: number): RunRecord {
    const now = this.clock.now();
    const claim = { owner: this.owner, until: new Date(now.getTime() + this.settings.ttlMs).toISOString() };
    let answer = this.runs.claim(incidentId, claim, now.toISOString());
    if (!answer.ok && this.settings.isGone?.(answer.holder.owner)) {
      answer = this.runs.claim(incidentId, claim, now.toISOString(), { replacing: answer.holder.owner });
    }
    if (!answer.ok) throw runClaimed(incidentId, answer.holder);
    return answer.run;
  }

  release(incidentId: number): void {
    this.runs.release(incidentId, this.owner);
  }

  /**
   * Renews the claim every third of its lifetime until `signal` aborts; if another process took
   * the run meanwhile (this one stalled past its claim), `lost` is called with that error.
   */
  async keep(incidentId: number, signal: AbortSignal, lost: (error: OomCheckError) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(this.settings.ttlMs / 3, signal);
      } catch {
        return; // aborted: the run stopped
      }
      try {
        this.take(incidentId);
      } catch (error) {
        lost(error as OomCheckError);
        return;
      }
    }
  }

  /** Runs `work` while holding the run, renewing the claim; gives it up afterwards. */
  async hold<T>(incidentId: number, work: (run: RunRecord, lost: AbortSignal) => Promise<T>): Promise<T> {
    const run = this.take(incidentId);
    const stop = new AbortController();
    const lost = new AbortController();
    const keeping = this.keep(incidentId, stop.signal, (error) => lost.abort(error));
    try {
      return await work(run, lost.signal);
    } finally {
      stop.abort();
      await keeping;
      if (!lost.signal.aborted) this.releaseIfPossible(incidentId);
    }
  }

  /** Gives the run up; when the database is locked the claim simply expires on its own. */
  private releaseIfPossible(incidentId: number): void {
    try {
      this.release(incidentId);
    } catch (error) {
      if (!isOomCheckError(error, ErrorCode.DatabaseBusy)) throw error;
    }
  }
}

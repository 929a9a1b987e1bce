import { ClusterError, isClusterError } from '../core/cluster-error.js';
import { unknownCluster } from '../core/clusters.js';
import { ErrorCode, isOomCheckError, OomCheckError } from '../core/errors.js';
import type { Incident } from '../core/incident.js';
import type { Clusters } from '../core/clusters.js';
import type { Clock, IncidentStore, Leadership, Logger, RunStore } from '../core/ports.js';
import { currentStep, stepOf, type RunRecord, type StepName, type StepRecordOf } from '../core/run.js';
import { requireResult } from '../core/step-results.js';
import { SYSTEM_ACTOR } from '../core/timeline.js';
import { CHECKLIST_STEPS, type ChecklistSteps } from './checklist-steps.js';
import type { Lifecycle } from './lifecycle.js';
import type { RollbackAnswer } from './rollback.js';
import type { ScheduledWork } from './on-schedule.js';
import type { RunClaims } from './run-claims.js';
import type { RunReporter } from './run-reporter.js';
import { stepDeadlineMs } from './step-deadline.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { StepInterrupted, type StepContext, type StepOutcome } from './step-types.js';

export interface RunnerDeps {
  incidents: IncidentStore;
  runs: RunStore;
  clusters: Clusters;
  /** Runs are taken up only on clusters whose Lease this process holds. */
  leadership: Leadership;
  clock: Clock;
  log: Logger;
  reporter: RunReporter;
  claims: RunClaims;
  lifecycle: Lifecycle;
  steps?: ChecklistSteps;
}

/**
 * Drives checklist runs: each step once, in order, every transition persisted with its timeline
 * rows before the next begins. A run stops at the approval gate, at a verdict, or at a failure
 * worth retrying (the cluster unreachable), and `advance` picks it up again where it stopped.
 * Only the process holding a run's claim advances it; every write is fenced by that claim.
 */
export class Runner {
  private readonly chains = new Map<number, Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly steps: ChecklistSteps;
  private readonly recorder: OutcomeRecorder;

  constructor(private readonly deps: RunnerDeps) {
    this.steps = deps.steps ?? CHECKLIST_STEPS;
    this.recorder = new OutcomeRecorder(deps);
  }

  /**
   * Runs the incident's checklist as far as it can go; calls for one incident run one after
   * another. Rejects with RunClaimed (naming the holder) when another process has the run.
   */
  advance(incidentId: number): Promise<RunRecord> {
    const previous = this.chains.get(incidentId) ?? Promise.resolve();
    // The previous call's failure is its own caller's to handle; this call runs regardless.
    const next = previous.then(
      () => this.advanceNow(incidentId),
      () => this.advanceNow(incidentId),
    );
    this.chains.set(incidentId, next);
    const forget = () => {
      if (this.chains.get(incidentId) === next) this.chains.delete(incidentId);
    };
    next.then(forget, forget);
    return next;
  }

  /** Advances every run that has not finished, e.g. after a restart; one failing run does not stop the others. */
  async resumeAll(): Promise<RunRecord[]> {
    this.deps.lifecycle.closeFinished();
    await this.rollBackOwed();
    const runs = this.deps.runs.listUnfinishedRuns().filter((run) => this.mayTakeUp(run));
    const settled = await Promise.allSettled(runs.map((run) => this.advance(run.incidentId)));
    settled.forEach((result, index) => {
      if (result.status === 'rejected') this.deps.log.info({ incidentId: runs[index]?.incidentId, reason: (result.reason as Error).message }, 'run not resumed now');
    });
    return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  /**
   * Picks up active runs no live process holds: a process that died mid-step leaves its claim to
   * expire, and then this one goes on from the step it stopped at.
   */
  async resumeOrphaned(): Promise<number[]> {
    const now = this.deps.clock.now().toISOString();
    const orphans = this.deps.runs
      .listUnfinishedRuns()
      .filter((run) => run.status === 'active' && !this.chains.has(run.incidentId) && (!run.claim || run.claim.until <= now) && this.mayTakeUp(run));
    const settled = await Promise.allSettled(orphans.map((run) => this.advance(run.incidentId)));
    return orphans.filter((_, index) => settled[index]?.status === 'fulfilled').map((run) => run.incidentId);
  }

  /** Picking up orphaned runs as scheduled work, as often as a claim could expire. */
  orphanSchedule(): ScheduledWork {
    return { name: 'resume-orphaned-runs', run: () => this.resumeOrphaned(), nextInMs: () => this.deps.claims.settings.ttlMs / 2 };
  }

  /** Aborts the steps in flight; their runs stay resumable. */
  stop(): void {
    this.stopping.abort();
  }

  /** Runs `advance` has in flight, to wait for on shutdown. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  /**
   * Whether this process may work on the run now: its cluster is one this bot serves and this
   * process holds that cluster's Lease. Checked before the claim, so a standby never takes a run.
   */
  private mayTakeUp(run: RunRecord): boolean {
    const cluster = run.spec.target.cluster;
    return this.deps.clusters.has(cluster) && this.deps.leadership.leads(cluster);
  }

  private advanceNow(incidentId: number): Promise<RunRecord> {
    const stored = this.mustGetRun(incidentId);
    const cluster = stored.spec.target.cluster;
    if (stored.status !== 'finished') {
      if (!this.deps.clusters.has(cluster)) return Promise.reject(unknownCluster(cluster, this.deps.clusters.names()));
      if (!this.deps.leadership.leads(cluster)) return Promise.reject(standingBy(incidentId, cluster, this.deps.leadership.describe(cluster)));
    }
    return this.deps.claims.hold(incidentId, async (claimed, lost) => {
      let run = claimed;
      while (run.status !== 'finished' && !this.stopping.signal.aborted && !lost.aborted) {
        const incident = this.incident(incidentId);
        const record = currentStep(run);
        if (!record) {
          this.deps.lifecycle.finish(incident, run, { verdict: 'fixed', message: 'fix applied and verified', mitigated: true }, this.deps.claims.owner);
          break;
        }
        // The gate waits for a person; expiry is the lifecycle's schedule.
        if (record.status === 'waiting-approval') break;
        // A turn of the event loop between steps: many runs at once must not starve the HTTP server.
        await new Promise((resolve) => setImmediate(resolve));
        if (!(await this.execute(incident, run, record, lost))) break;
        run = this.mustGetRun(incidentId);
      }
      return this.mustGetRun(incidentId);
    });
  }

  /** Runs one step; false when the run should not go on now. */
  private async execute<N extends StepName>(incident: Incident, run: RunRecord, record: StepRecordOf<N>, lost: AbortSignal): Promise<boolean> {
    const { clock } = this.deps;
    const runbook = run.spec.runbook;
    const name = record.step;
    const attempt = record.attempts + 1;
    const startedAt = clock.now().toISOString();
    this.recorder.write(incident.id, {
      at: startedAt,
      step: { name, status: 'running', attempts: attempt, startedAt, error: null },
      run: { status: 'active' },
      events: [this.deps.reporter.event(incident, run, 'step.started', name, { attempt, ...(record.status === 'running' ? { resumed: true } : {}) })],
    });
    this.deps.reporter.notify(incident, run, { step: name, status: 'running', message: `${name} started (attempt ${attempt})` });

    let outcome: StepOutcome;
    try {
      outcome = await this.withDeadline(name, stepDeadlineMs(name, runbook), lost, (signal) => this.steps[name](this.context(incident, run, record, signal)));
    } catch (error) {
      return this.failed(incident, run, name, error, lost);
    }
    const goOn = this.recorder.record(incident, run, record, outcome);
    if (outcome.status === 'finished' && outcome.rollBack) await this.rollBackAtOnce(incident.id);
    return goOn;
  }

  /**
   * A quick downgrade whose check failed just before a crash (or whose rollback failed) is still
   * owed its rollback: the wait step recorded so, and a restart carries it out.
   */
  private async rollBackOwed(): Promise<void> {
    for (const incident of this.deps.incidents.listIncidents({ status: 'open' })) {
      const run = this.deps.runs.getRun(incident.id);
      if (run?.status !== 'finished' || run.verdict !== 'verification-failed' || stepOf(run, 'wait').result.rollBack !== true || !this.mayTakeUp(run)) continue;
      await this.rollBackLogged(incident.id, () => this.deps.lifecycle.rollback(incident.id, SYSTEM_ACTOR));
    }
  }

  /** A quick downgrade that failed its check is undone without waiting for a person (the runner holds the claim). */
  private rollBackAtOnce(incidentId: number): Promise<void> {
    return this.rollBackLogged(incidentId, () => this.deps.lifecycle.rollBackHeld(incidentId, SYSTEM_ACTOR));
  }

  /** A rollback the runner owes; should it fail, Roll back stays on offer on the card and the next start tries again. */
  private async rollBackLogged(incidentId: number, rollBack: () => Promise<RollbackAnswer>): Promise<void> {
    try {
      const answer = await rollBack();
      if (answer.outcome === 'not-possible') this.deps.log.warn({ incidentId, reason: answer.message }, 'the failed quick downgrade was not rolled back');
    } catch (error) {
      this.deps.log.error({ incidentId, err: error }, 'rolling back the failed quick downgrade failed; Roll back stays on offer');
    }
  }

  private context<N extends StepName>(incident: Incident, run: RunRecord, record: StepRecordOf<N>, signal: AbortSignal): StepContext<N> {
    const where = `incident ${incident.id}`;
    return {
      incident,
      run,
      runbook: run.spec.runbook,
      cluster: this.deps.clusters.get(run.spec.target.cluster),
      clock: this.deps.clock,
      log: this.deps.log.child({ incidentId: incident.id, step: record.step }),
      signal,
      resultOf: (step) => stepOf(run, step).result,
      required: (step) => requireResult(step, stepOf(run, step).result, where),
      previous: record.result,
      checkpoint: (result, events = []) => {
        // Renewed first: the claim must outlive the request this checkpoint precedes.
        this.deps.claims.take(incident.id);
        this.recorder.write(incident.id, {
          at: this.deps.clock.now().toISOString(),
          step: { name: record.step, status: 'running', result: { ...record.result, ...result } },
          events: events.map((extra) => this.recorder.extraEvent(incident, run, record.step, extra)),
        });
      },
    };
  }

  private failed(incident: Incident, run: RunRecord, name: StepName, error: unknown, lost: AbortSignal): boolean {
    // Another process has the run now: it records what happens next, not this one.
    if (lost.aborted || isOomCheckError(error, ErrorCode.RunClaimed)) {
      this.deps.log.warn({ incidentId: incident.id, step: name }, 'another oom-check process took over the run; this process stopped advancing it');
      return false;
    }
    // Nothing can be recorded while the database is locked: the step runs again once its claim
    // lapses and the orphan schedule picks the run up (a step never half-records).
    if (isOomCheckError(error, ErrorCode.DatabaseBusy)) {
      this.deps.log.warn({ incidentId: incident.id, step: name }, 'the database is locked by another process; the run resumes when it is free');
      return false;
    }
    const at = this.deps.clock.now().toISOString();
    const clusterError = isClusterError(error) ? error : null;
    const message = error instanceof Error ? error.message : String(error);
    const retryable = clusterError?.retryable === true || error instanceof StepInterrupted;
    if (!clusterError && !this.stopping.signal.aborted) this.deps.log.error({ err: error, incidentId: incident.id, step: name }, 'checklist step crashed');
    this.recorder.write(incident.id, {
      at,
      step: { name, status: 'failed', finishedAt: at, error: message },
      events: [this.deps.reporter.event(incident, run, 'step.failed', name, { message, retryable, ...(clusterError ? { code: clusterError.code } : {}) })],
    });
    if (retryable || this.stopping.signal.aborted) {
      this.deps.reporter.notify(incident, run, { step: name, status: 'failed', message: `${message} (the run stays open: it resumes where it stopped)` });
    } else {
      this.deps.lifecycle.finish(incident, run, { verdict: 'failed', message: `${name} failed: ${message}` }, this.deps.claims.owner);
    }
    return false;
  }

  private async withDeadline<T>(name: StepName, ms: number, lost: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, this.stopping.signal, lost]);
    const deadline = new Promise<never>((_, reject) => {
      this.deps.clock.sleep(ms, controller.signal).then(
        () => reject(new ClusterError('Timeout', `step ${name} did not finish within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`)),
        // Cancelled because the step settled first: its own outcome stands.
        () => undefined,
      );
    });
    try {
      return await Promise.race([work(signal), deadline]);
    } finally {
      controller.abort();
    }
  }

  private mustGetRun(incidentId: number): RunRecord {
    const run = this.deps.runs.getRun(incidentId);
    if (!run) throw new Error(`incident ${incidentId} has no checklist run`);
    return run;
  }

  private incident(incidentId: number): Incident {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!incident) throw new Error(`incident ${incidentId} does not exist`);
    return incident;
  }
}

/** The run's cluster is led by another process: this one leaves the run to it (and takes it up if it becomes the leader). */
export function standingBy(incidentId: number, cluster: string, leader: string): OomCheckError {
  return new OomCheckError(ErrorCode.NotLeader, `incident ${incidentId}: cluster ${cluster} is acted on by ${leader} (it holds the cluster's Lease); this process stands by`);
}

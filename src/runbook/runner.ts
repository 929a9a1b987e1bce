import { setImmediate } from 'node:timers/promises';
import { ClusterError, isClusterError } from '../core/cluster-error.js';
import { ErrorCode, OomCheckError } from '../core/errors.js';
import { findingData, type Finding } from '../core/finding.js';
import type { Incident } from '../core/incident.js';
import type { Clock, Cluster, IncidentStore, Logger, RunStore } from '../core/ports.js';
import { closesIncident, type RunObserver, type RunRecord, type RunUpdate, type StepName, type StepRecord, type Verdict } from '../core/run.js';
import { SYSTEM_ACTOR, type NewTimelineEvent, type TimelineData, type TimelineKind } from '../core/timeline.js';
import { CHECKLIST_STEPS } from './checklist-steps.js';
import type { Runbook } from './runbook-schema.js';
import { stepDeadlineMs } from './step-deadline.js';
import { StepInterrupted, type Step, type StepContext, type StepOutcome } from './step-types.js';

export interface RunnerDeps {
  incidents: IncidentStore;
  runs: RunStore;
  cluster: Cluster;
  clock: Clock;
  log: Logger;
  observers?: RunObserver[];
  steps?: Readonly<Record<StepName, Step>>;
  /** Whether an ended run may close its incident now; alerts still firing keep it open. */
  mayClose?: (incidentId: number) => boolean;
}

const DONE: ReadonlySet<string> = new Set(['succeeded', 'skipped']);

/** The run's own runbook budget: a resumed run keeps the one it started with. */
const budgetMs = (run: RunRecord): number => (run.spec.runbook as unknown as Runbook).budgetSeconds * 1000;

/**
 * Drives checklist runs: each step once, in order, every transition persisted with its timeline
 * rows before the next begins. A run stops at the approval gate, at a verdict, or at a failure
 * worth retrying (the cluster unreachable), and `advance` picks it up again where it stopped.
 */
export class Runner {
  private readonly chains = new Map<number, Promise<unknown>>();
  private readonly stopping = new AbortController();
  private readonly steps: Readonly<Record<StepName, Step>>;

  constructor(private readonly deps: RunnerDeps) {
    this.steps = deps.steps ?? CHECKLIST_STEPS;
  }

  /** Runs the incident's checklist as far as it can go; calls for one incident run one after another. */
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
    this.closeFinishedIncidents();
    const runs = this.deps.runs.listUnfinishedRuns();
    const settled = await Promise.allSettled(runs.map((run) => this.advance(run.incidentId)));
    return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }

  /** Aborts the steps in flight; their runs stay resumable. */
  stop(): void {
    this.stopping.abort();
  }

  /** Runs `advance` has in flight, to wait for on shutdown. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  private async advanceNow(incidentId: number): Promise<RunRecord> {
    let run = this.mustGetRun(incidentId);
    while (run.status !== 'finished' && !this.stopping.signal.aborted) {
      const incident = this.mustGetIncident(incidentId);
      const record = run.steps.find((step) => !DONE.has(step.status));
      if (!record) {
        this.finish(incident, run, { verdict: 'fixed', message: 'fix applied and verified', mitigated: true });
        break;
      }
      if (record.status === 'waiting-approval') {
        this.expireApproval(incident, run, record);
        break;
      }
      // A turn of the event loop between steps: many runs at once must not starve the HTTP server.
      await setImmediate();
      if (!(await this.execute(incident, run, record))) break;
      run = this.mustGetRun(incidentId);
    }
    return this.mustGetRun(incidentId);
  }

  /** Runs one step; false when the run should not go on now. */
  private async execute(incident: Incident, run: RunRecord, record: StepRecord): Promise<boolean> {
    const { runs, clock } = this.deps;
    const runbook = run.spec.runbook as unknown as Runbook;
    const name = record.step;
    const attempt = record.attempts + 1;
    const startedAt = clock.now().toISOString();
    runs.transition(incident.id, {
      at: startedAt,
      step: { name, status: 'running', attempts: attempt, startedAt, error: null },
      run: { status: 'active' },
      events: [this.event(incident, run, 'step.started', name, { attempt, ...(record.status === 'running' ? { resumed: true } : {}) })],
    });
    this.notify(incident, run, name, 'running', `${name} started (attempt ${attempt})`, []);

    let outcome: StepOutcome;
    try {
      outcome = await this.withDeadline(name, stepDeadlineMs(name, runbook), (signal) => this.steps[name](this.context(incident, run, runbook, record, signal)));
    } catch (error) {
      return this.failed(incident, run, name, error);
    }
    return this.record(incident, run, record, outcome);
  }

  private context(incident: Incident, run: RunRecord, runbook: Runbook, record: StepRecord, signal: AbortSignal): StepContext {
    const results = new Map(run.steps.map((step) => [step.step, step.result]));
    return {
      incident,
      run,
      runbook,
      cluster: this.deps.cluster,
      clock: this.deps.clock,
      signal,
      resultOf: (step) => results.get(step) ?? {},
      previous: record.result,
      checkpoint: (result) => {
        this.deps.runs.transition(incident.id, { at: this.deps.clock.now().toISOString(), step: { name: record.step, status: 'running', result: { ...record.result, ...result } } });
      },
    };
  }

  private record(incident: Incident, run: RunRecord, record: StepRecord, outcome: StepOutcome): boolean {
    const at = this.deps.clock.now().toISOString();
    const name = record.step;
    const findings = outcome.findings ?? [];
    const events: NewTimelineEvent[] = [
      ...findings.map((finding) => this.event(incident, run, 'finding', name, findingData(finding))),
      ...(outcome.events ?? []).map((extra) => ({ ...this.event(incident, run, extra.kind, name, extra.data), actor: extra.actor ?? SYSTEM_ACTOR })),
    ];
    const result = { ...record.result, ...outcome.result };
    if (outcome.status === 'finished') {
      this.deps.runs.transition(incident.id, {
        at,
        step: { name, status: outcome.stepStatus, finishedAt: at, result },
        events: [...events, this.event(incident, run, outcome.stepStatus === 'failed' ? 'step.failed' : 'step.succeeded', name, { ...outcome.timeline, message: outcome.message })],
      });
      this.finish(incident, run, { verdict: outcome.verdict, message: outcome.message, findings });
      return false;
    }
    const waiting = outcome.status === 'waiting-approval';
    const kind: TimelineKind = waiting ? 'step.waiting' : outcome.status === 'skipped' ? 'step.skipped' : 'step.succeeded';
    this.deps.runs.transition(incident.id, {
      at,
      step: { name, status: outcome.status, finishedAt: waiting ? null : at, result },
      run: { status: waiting ? 'waiting-approval' : 'active' },
      events: [...events, this.event(incident, run, kind, name, { ...outcome.timeline, message: outcome.message })],
    });
    this.notify(incident, run, name, outcome.status, outcome.message, findings);
    return !waiting;
  }

  private failed(incident: Incident, run: RunRecord, name: StepName, error: unknown): boolean {
    const at = this.deps.clock.now().toISOString();
    const clusterError = isClusterError(error) ? error : null;
    const message = error instanceof Error ? error.message : String(error);
    const retryable = clusterError?.retryable === true || error instanceof StepInterrupted;
    if (!clusterError && !this.stopping.signal.aborted) this.deps.log.error({ err: error, incidentId: incident.id, step: name }, 'checklist step crashed');
    this.deps.runs.transition(incident.id, {
      at,
      step: { name, status: 'failed', finishedAt: at, error: message },
      events: [this.event(incident, run, 'step.failed', name, { message, retryable, ...(clusterError ? { code: clusterError.code } : {}) })],
    });
    if (retryable || this.stopping.signal.aborted) {
      this.notify(incident, run, name, 'failed', `${message} (the run stays open: it resumes where it stopped)`, []);
    } else {
      this.finish(incident, run, { verdict: 'failed', message: `${name} failed: ${message}` });
    }
    return false;
  }

  private expireApproval(incident: Incident, run: RunRecord, record: StepRecord): void {
    const runbook = run.spec.runbook as unknown as Runbook;
    const waitedMs = this.deps.clock.now().getTime() - Date.parse(record.startedAt ?? run.startedAt);
    if (waitedMs < runbook.steps.approve.timeoutSeconds * 1000) return;
    const message = `nobody approved within ${runbook.steps.approve.timeoutSeconds} s; nothing was patched`;
    const at = this.deps.clock.now().toISOString();
    const applied = this.deps.runs.transition(incident.id, {
      at,
      step: { name: 'approve', expect: 'waiting-approval', status: 'failed', finishedAt: at, error: message },
      events: [this.event(incident, run, 'step.failed', 'approve', { message })],
    });
    if (applied) this.finish(incident, run, { verdict: 'not-approved', message });
  }

  /** Ends the run with a verdict and, unless a rollback is still on offer, closes the incident. */
  finish(incident: Incident, run: RunRecord, end: { verdict: Verdict; message: string; mitigated?: boolean; findings?: Finding[] }): void {
    const at = this.deps.clock.now().toISOString();
    this.deps.runs.transition(incident.id, {
      at,
      run: { status: 'finished', verdict: end.verdict },
      events: end.mitigated ? [this.event(incident, run, 'incident.mitigated', null, { message: end.message })] : [],
    });
    if (this.closes(incident.id, end.verdict) && this.deps.incidents.getIncident(incident.id)?.status === 'open') {
      this.deps.incidents.closeIncident(incident.id, { at, verdict: end.verdict, actor: SYSTEM_ACTOR, summary: end.message });
    }
    this.notify(incident, run, null, 'finished', end.message, end.findings ?? [], end.verdict);
  }

  /** A crash between finishing a run and closing its incident leaves the incident open: close it now. */
  private closeFinishedIncidents(): void {
    for (const incident of this.deps.incidents.listIncidents({ status: 'open' })) {
      const run = this.deps.runs.getRun(incident.id);
      if (run?.status === 'finished' && run.verdict && this.closes(incident.id, run.verdict)) {
        this.deps.incidents.closeIncident(incident.id, { at: this.deps.clock.now().toISOString(), verdict: run.verdict, actor: SYSTEM_ACTOR });
      }
    }
  }

  /** An ended run closes its incident unless a rollback is on offer or its alerts still fire. */
  private closes(incidentId: number, verdict: Verdict): boolean {
    return closesIncident(verdict) && (this.deps.mayClose?.(incidentId) ?? true);
  }

  private async withDeadline<T>(name: StepName, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.stopping.signal.addEventListener('abort', onStop);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ClusterError('Timeout', `step ${name} did not finish within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`));
      }, ms);
    });
    try {
      return await Promise.race([work(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }

  /** A timeline row of this run, with the time elapsed against the budget. */
  private event(incident: Incident, run: RunRecord, kind: TimelineKind, step: StepName | null, data: TimelineData): NewTimelineEvent {
    const now = this.deps.clock.now();
    return { incidentId: incident.id, at: now.toISOString(), kind, actor: SYSTEM_ACTOR, step, data: { ...data, elapsedMs: now.getTime() - Date.parse(incident.openedAt), budgetMs: budgetMs(run) } };
  }

  private notify(incident: Incident, run: RunRecord, step: StepName | null, status: RunUpdate['status'], message: string, findings: Finding[], verdict: Verdict | null = null): void {
    const elapsedMs = this.deps.clock.now().getTime() - Date.parse(incident.openedAt);
    for (const observer of this.deps.observers ?? []) {
      try {
        observer.onUpdate({ incidentId: incident.id, step, status, message, elapsedMs, budgetMs: budgetMs(run), findings, verdict });
      } catch (error) {
        this.deps.log.warn({ err: error, incidentId: incident.id }, 'a run observer failed; the run goes on');
      }
    }
  }

  private mustGetRun(incidentId: number): RunRecord {
    const run = this.deps.runs.getRun(incidentId);
    if (!run) throw new OomCheckError(ErrorCode.IncidentNotFound, `incident ${incidentId} has no checklist run`);
    return run;
  }

  private mustGetIncident(incidentId: number): Incident {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!incident) throw new OomCheckError(ErrorCode.IncidentNotFound, `incident ${incidentId} does not exist`);
    return incident;
  }
}

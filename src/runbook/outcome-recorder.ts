import { findingData } from '../core/finding.js';
import type { Incident } from '../core/incident.js';
import type { Clock, RunStore, RunTransition } from '../core/ports.js';
import type { RunRecord, StepName, StepRecordOf } from '../core/run.js';
import type { ResultData } from '../core/step-results.js';
import { SYSTEM_ACTOR, type NewTimelineEvent, type TimelineKind } from '../core/timeline.js';
import type { Lifecycle } from './lifecycle.js';
import { lostClaim, type RunClaims } from './run-claims.js';
import type { RunReporter } from './run-reporter.js';
import type { StepEvent, StepOutcome } from './step-types.js';

export interface OutcomeRecorderDeps {
  runs: RunStore;
  clock: Clock;
  reporter: RunReporter;
  claims: RunClaims;
  lifecycle: Lifecycle;
}

/**
 * Writes what a step ended with: its status and result, its findings and extra rows, the run's
 * next state (waiting, finished with a verdict, or its next round after an escalation), each in
 * one transition fenced by this process's claim on the run.
 */
export class OutcomeRecorder {
  constructor(private readonly deps: OutcomeRecorderDeps) {}

  record<N extends StepName>(incident: Incident, run: RunRecord, record: StepRecordOf<N>, outcome: StepOutcome): boolean {
    const at = this.deps.clock.now().toISOString();
    const name = record.step;
    const findings = outcome.findings ?? [];
    const reporter = this.deps.reporter;
    const events: NewTimelineEvent[] = [
      ...findings.map((finding) => reporter.event(incident, run, 'finding', name, findingData(finding))),
      ...(outcome.events ?? []).map((extra) => this.extraEvent(incident, run, name, extra)),
    ];
    const result: ResultData = { ...record.result, ...outcome.result };
    const container = name === 'detect' && typeof result.container === 'string' ? { container: result.container } : {};
    if (outcome.status === 'finished') {
      const kind: TimelineKind = outcome.stepStatus === 'failed' ? 'step.failed' : 'step.succeeded';
      this.write(incident.id, {
        at,
        step: { name, status: outcome.stepStatus, finishedAt: at, result },
        events: [...events, reporter.event(incident, run, kind, name, { ...outcome.timeline, message: outcome.message })],
        ...container,
      });
      this.deps.lifecycle.finish(incident, run, { verdict: outcome.verdict, message: outcome.message, findings }, this.deps.claims.owner);
      return false;
    }
    if (outcome.status === 'escalate') return this.escalate(incident, run, record, outcome, events);
    const waiting = outcome.status === 'waiting-approval';
    const kind: TimelineKind = waiting ? 'step.waiting' : outcome.status === 'skipped' ? 'step.skipped' : 'step.succeeded';
    this.write(incident.id, {
      at,
      step: { name, status: outcome.status, finishedAt: waiting ? null : at, result },
      run: { status: waiting ? 'waiting-approval' : 'active' },
      events: [...events, reporter.event(incident, run, kind, name, { ...outcome.timeline, message: outcome.message })],
      ...container,
    });
    reporter.notify(incident, run, { step: name, status: outcome.status, message: outcome.message, findings });
    return !waiting;
  }

  /**
   * The patched pod was OOMKilled again: the kill is evidence, and the run starts its next round
   * (propose, approve, apply, wait, health) in the same incident, up to the runbook's maxSteps.
   * Past that, the fix did not verify and rollback stays on offer.
   */
  private escalate<N extends StepName>(incident: Incident, run: RunRecord, record: StepRecordOf<N>, outcome: Extract<StepOutcome, { status: 'escalate' }>, events: NewTimelineEvent[]): boolean {
    const at = this.deps.clock.now().toISOString();
    const reporter = this.deps.reporter;
    const name = record.step;
    const maxSteps = run.spec.runbook.steps.propose.maxSteps;
    const last = run.round >= maxSteps;
    const message = last
      ? `${outcome.message}; that was step ${run.round} of ${maxSteps}, the most the runbook allows (steps.propose.maxSteps)`
      : `${outcome.message}; escalating to step ${run.round + 1} of ${maxSteps}`;
    const finding = {
      title: last ? 'The fix did not verify' : `Escalating: step ${run.round + 1} of ${maxSteps}`,
      severity: 'critical' as const,
      detail: message,
      advice: [last ? 'Roll back the patch, or set a limit by hand' : 'The next proposal rests on this kill; approve it like the first'],
    };
    this.write(incident.id, {
      at,
      step: { name, status: 'failed', finishedAt: at, result: { ...record.result, escalation: outcome.evidence } },
      events: [...events, reporter.event(incident, run, 'finding', name, findingData(finding)), reporter.event(incident, run, 'step.failed', name, { message, round: run.round, evidence: outcome.evidence })],
      nextRound: !last,
    });
    if (last) {
      this.deps.lifecycle.finish(incident, run, { verdict: 'verification-failed', message, findings: [finding] }, this.deps.claims.owner);
      return false;
    }
    reporter.notify(incident, run, { step: name, status: 'failed', message, findings: [finding] });
    return true;
  }

  /** A transition fenced by this process's claim; throws when another process took the run. */
  write(incidentId: number, change: RunTransition): RunRecord {
    const written = this.deps.runs.transition(incidentId, { ...change, owner: this.deps.claims.owner });
    if (!written) throw lostClaim(incidentId);
    return written;
  }

  extraEvent(incident: Incident, run: RunRecord, step: StepName, extra: StepEvent): NewTimelineEvent {
    return this.deps.reporter.event(incident, run, extra.kind, step, extra.data, extra.actor ?? SYSTEM_ACTOR);
  }
}

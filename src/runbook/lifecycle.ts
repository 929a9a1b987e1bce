import { ErrorCode, OomCheckError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Incident } from '../core/incident.js';
import type { Clusters } from '../core/clusters.js';
import type { Clock, IncidentStore, Logger, RunStore } from '../core/ports.js';
import { parseQuantity } from '../core/quantity.js';
import { checkEditedLimit } from '../core/rules/check-edited-limit.js';
import { closesIncident, currentStep, mayRunAgain, stepOf, type RunRecord, type Verdict } from '../core/run.js';
import { SYSTEM_ACTOR, type TimelineData } from '../core/timeline.js';
import type { ScheduledWork } from './on-schedule.js';
import { rollBackPatch, type RollbackAnswer } from './rollback.js';
import { lostClaim, type RunClaims } from './run-claims.js';
import type { RunReporter } from './run-reporter.js';

export interface ApprovalRequest {
  actor: string;
  decision: 'approve' | 'reject';
  /** An edited limit, validated against the current limit and the maximum. */
  limit?: string;
  /** Which fix to approve: the limit (the default) or the quick downgrade, when the proposal offers one. */
  fix?: 'limit' | 'downgrade';
  reason?: string;
}

export type ApprovalAnswer =
  | { outcome: 'settled'; decision: 'approve' | 'reject'; limit: string | null }
  | { outcome: 'already-decided'; actor: string; decision: string; at: string }
  | { outcome: 'not-waiting'; message: string }
  | { outcome: 'invalid-limit'; message: string }
  | { outcome: 'not-offered'; message: string };

export type ResolveAnswer =
  | { outcome: 'resolved'; verdict: Verdict }
  | { outcome: 'already-closed'; verdict: Verdict | null; at: string | null }
  | { outcome: 'not-possible'; message: string };

export interface RunEnd {
  verdict: Verdict;
  message: string;
  mitigated?: boolean;
  findings?: Finding[];
  /** Who ended it: the runner, a person rejecting, the approval timeout. */
  actor?: string;
}

export interface LifecycleDeps {
  incidents: IncidentStore;
  runs: RunStore;
  clusters: Clusters;
  clock: Clock;
  log: Logger;
  reporter: RunReporter;
  claims: RunClaims;
  /** How many of the incident's alerts still fire: a firing incident stays open. */
  firingAlerts?: (incidentId: number) => number;
}

/**
 * The one owner of a run's lifecycle outside its steps: approve, edit, reject, expire, end, roll
 * back and close. Front ends (Slack, the CLI, alerts, schedules) call it; the runner calls
 * `finish`. Whether an incident closes is decided here and nowhere else.
 */
export class Lifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  /** Settles the approval gate; the first decision wins and later ones learn who made it and when. */
  decide(incidentId: number, request: ApprovalRequest): ApprovalAnswer {
    const { runs, clock } = this.deps;
    const run = runs.getRun(incidentId);
    if (!run) return { outcome: 'not-waiting', message: `incident ${incidentId} has no checklist run` };
    const gate = stepOf(run, 'approve');
    if (gate.status !== 'waiting-approval') {
      const decided = gate.result;
      if (decided.actor && decided.decision && decided.at) return { outcome: 'already-decided', actor: decided.actor, decision: decided.decision, at: decided.at };
      const current = run.status === 'finished' ? `the run has ended (${run.verdict})` : `the checklist is at ${currentStep(run)?.step ?? 'its end'}`;
      return { outcome: 'not-waiting', message: `nothing awaits approval: ${current}` };
    }
    const proposed = stepOf(run, 'propose').result;
    const downgrade = request.decision === 'approve' && request.fix === 'downgrade';
    if (downgrade && !proposed.downgrade) return { outcome: 'not-offered', message: 'this proposal offers no quick downgrade (the runbook names no slim image for this container)' };
    let limit = downgrade ? null : (proposed.limit ?? null);
    if (request.decision === 'approve' && !downgrade && request.limit !== undefined) {
      const edited = checkEditedLimit(request.limit, { currentBytes: proposed.previousLimit ? parseQuantity(proposed.previousLimit) : null, maxBytes: run.spec.maxLimitBytes });
      if (!edited.ok) return { outcome: 'invalid-limit', message: edited.problem };
      limit = edited.limit;
    }
    const at = clock.now().toISOString();
    const approve = request.decision === 'approve';
    const edited = approve && !downgrade && limit !== proposed.limit;
    const image = downgrade ? proposed.downgrade!.image : null;
    const data: TimelineData = {
      decision: edited ? 'edit-limit' : request.decision,
      ...(limit && approve ? { limit } : {}),
      ...(image ? { fix: 'downgrade', image } : {}),
      ...(edited ? { proposed: proposed.limit ?? null } : {}),
      ...(request.reason ? { reason: request.reason } : {}),
    };
    const applied = runs.transition(incidentId, {
      at,
      step: {
        name: 'approve',
        expect: 'waiting-approval',
        status: approve ? 'succeeded' : 'failed',
        finishedAt: at,
        result: { ...gate.result, decision: request.decision, actor: request.actor, at, ...(limit && approve ? { limit } : {}), ...(approve ? { fix: downgrade ? 'downgrade' : 'limit' } : {}) },
      },
      run: { status: 'active' },
      events: [{ incidentId, at, kind: 'decision', actor: request.actor, step: 'approve', data }],
    });
    // Someone else decided between the read and the write: answer as they decided.
    if (!applied) return this.decide(incidentId, request);
    const incident = this.incident(incidentId);
    if (!approve) {
      const message = `the patch was rejected${request.reason ? `: ${request.reason}` : ''}; nothing was changed`;
      this.finish(incident, applied, { verdict: 'rejected', message, actor: request.actor });
    } else {
      const message = image ? `approved the quick downgrade to ${image}` : edited ? `approved ${limit} (edited from the proposed ${proposed.limit ?? 'limit'})` : `approved ${limit}`;
      this.deps.reporter.notify(incident, applied, { step: 'approve', status: 'succeeded', message, actor: request.actor });
    }
    return { outcome: 'settled', decision: request.decision, limit };
  }

  /** When the oldest approval still waiting runs out, or null when none waits. */
  nextExpiry(): Date | null {
    const due = this.deps.runs
      .listWaitingApprovals()
      .map((run) => this.expiresAt(run))
      .filter((at): at is number => at !== null);
    return due.length > 0 ? new Date(Math.min(...due)) : null;
  }

  /** Ends every approval that waited past its runbook's timeout; returns their incident ids. */
  expireDue(): number[] {
    const now = this.deps.clock.now().getTime();
    const expired: number[] = [];
    for (const run of this.deps.runs.listWaitingApprovals()) {
      const due = this.expiresAt(run);
      if (due === null || due > now) continue;
      const seconds = run.spec.runbook.steps.approve.timeoutSeconds;
      const message = `nobody approved within ${seconds} s; nothing was patched`;
      const at = new Date(now).toISOString();
      const incident = this.incident(run.incidentId);
      const ended = this.deps.runs.transition(run.incidentId, {
        at,
        step: { name: 'approve', expect: 'waiting-approval', status: 'failed', finishedAt: at, error: message },
        events: [this.deps.reporter.event(incident, run, 'step.failed', 'approve', { message, timeoutSeconds: seconds })],
      });
      if (!ended) continue; // decided meanwhile
      this.finish(incident, ended, { verdict: 'not-approved', message });
      expired.push(run.incidentId);
    }
    return expired;
  }

  /**
   * Expiry as scheduled work: it wakes when the next approval runs out, and at least every
   * `pollMs` to see approvals other processes began. Its schedule is the store, so it survives a
   * restart, and it runs whether or not reminders are on.
   */
  expirySchedule(pollMs = 1000): ScheduledWork {
    return {
      name: 'approval-expiry',
      run: () => this.expireDue(),
      nextInMs: () => {
        const next = this.nextExpiry();
        return next ? Math.min(pollMs, next.getTime() - this.deps.clock.now().getTime()) : pollMs;
      },
    };
  }

  /** Ends the run with a verdict; the incident closes if the close rule allows. */
  finish(incident: Incident, run: RunRecord, end: RunEnd, owner?: string): void {
    const { runs, reporter, clock } = this.deps;
    const ended = runs.transition(incident.id, {
      at: clock.now().toISOString(),
      ...(owner ? { owner } : {}),
      run: { status: 'finished', verdict: end.verdict },
      events: end.mitigated ? [reporter.event(incident, run, 'incident.mitigated', null, { message: end.message })] : [],
    });
    if (!ended) throw lostClaim(incident.id);
    this.closeIfDone(incident.id, { actor: end.actor ?? SYSTEM_ACTOR, summary: end.message });
    reporter.notify(incident, ended, { step: null, status: 'finished', message: end.message, findings: end.findings ?? [], verdict: end.verdict, ...(end.actor ? { actor: end.actor } : {}) });
  }

  /**
   * THE close rule: an incident closes once its run has ended and either a person resolved it, or
   * its verdict leaves nothing for anyone to do (`closesIncident`: fixed, or nothing oom-check can
   * patch) and none of its alerts still fires. A declined, expired, rolled-back or unverified fix
   * leaves the workload failing: that incident stays open until someone resolves it (or runs the
   * checklist again, see `supersede`). Returns whether it is closed now.
   */
  closeIfDone(incidentId: number, by: { actor: string; summary?: string; resolved?: boolean }): boolean {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!incident || incident.status === 'closed') return incident?.status === 'closed';
    const run = this.deps.runs.getRun(incidentId);
    if (run?.status !== 'finished' || !run.verdict) return false;
    if (!by.resolved && (!closesIncident(run.verdict) || (this.deps.firingAlerts?.(incidentId) ?? 0) > 0)) return false;
    this.deps.incidents.closeIncident(incidentId, { at: this.deps.clock.now().toISOString(), verdict: run.verdict, actor: by.actor, ...(by.summary ? { summary: by.summary } : {}) });
    return true;
  }

  /** A crash between ending a run and closing its incident leaves the incident open: close those now. */
  closeFinished(): void {
    for (const incident of this.deps.incidents.listIncidents({ status: 'open' })) this.closeIfDone(incident.id, { actor: SYSTEM_ACTOR });
  }

  /**
   * A person says the incident is over (the workload runs again, or it is handled elsewhere): a
   * `decision` row, then the incident closes with its run's verdict. Only once the run has ended:
   * a waiting approval is rejected first, a running step finishes first.
   */
  resolve(incidentId: number, actor: string, note?: string): ResolveAnswer {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!incident) return { outcome: 'not-possible', message: `incident ${incidentId} does not exist` };
    if (incident.status === 'closed') return { outcome: 'already-closed', verdict: incident.verdict, at: incident.closedAt };
    const run = this.deps.runs.getRun(incidentId);
    if (!run) return { outcome: 'not-possible', message: `incident ${incidentId} has no checklist run` };
    if (run.status === 'waiting-approval') return { outcome: 'not-possible', message: 'the patch still waits for a decision: reject it first, then resolve' };
    if (run.status !== 'finished' || !run.verdict) return { outcome: 'not-possible', message: 'the checklist is still running: resolve it once it has ended' };
    const at = this.deps.clock.now().toISOString();
    this.deps.incidents.append({ incidentId, at, kind: 'decision', actor, step: null, data: { decision: 'resolve', ...(note ? { reason: note } : {}) } });
    const summary = `resolved by a person${note ? `: ${note}` : ''} (the run had ended: ${run.verdict})`;
    if (!this.closeIfDone(incidentId, { actor, summary, resolved: true })) return { outcome: 'not-possible', message: 'the incident could not be closed' };
    this.deps.reporter.notify(incident, run, { step: null, status: 'resolved', message: note ? `resolved: ${note}` : 'resolved', verdict: run.verdict, actor });
    return { outcome: 'resolved', verdict: run.verdict };
  }

  /**
   * The checklist is run again on a workload whose open incident ended declined, expired or rolled
   * back (`mayRunAgain`): that incident closes, superseded, so a new one can start. An unverified
   * fix keeps its incident (its patch is in place and rollback on offer). Returns whether it closed.
   */
  supersede(incidentId: number, actor: string): boolean {
    const run = this.deps.runs.getRun(incidentId);
    if (run?.status !== 'finished' || !run.verdict || !mayRunAgain(run.verdict)) return false;
    return this.closeIfDone(incidentId, { actor, summary: `superseded: the checklist was run again on the workload (this run had ended: ${run.verdict})`, resolved: true });
  }

  /**
   * Restores the limit the patch replaced, dry-run first, holding the run. The workload fails
   * again afterwards, so the incident stays open ("rolled back, still failing") until resolved.
   */
  async rollback(incidentId: number, actor: string): Promise<RollbackAnswer> {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!incident || !this.deps.runs.getRun(incidentId)) return { outcome: 'not-possible', message: `incident ${incidentId} has no checklist run` };
    return this.deps.claims.hold(incidentId, () => this.rollBackHeld(incidentId, actor));
  }

  /** The rollback, for a caller that already holds the run's claim (the runner, when a quick downgrade failed its check). */
  async rollBackHeld(incidentId: number, actor: string): Promise<RollbackAnswer> {
    const incident = this.incident(incidentId);
    const run = this.deps.runs.getRun(incidentId);
    if (!run) return { outcome: 'not-possible', message: `incident ${incidentId} has no checklist run` };
    const answer = await rollBackPatch({ ...this.deps, owner: this.deps.claims.owner }, incident, run, actor);
    if (answer.outcome === 'rolled-back') {
      const message = answer.image ? `image restored to ${answer.image} on ${answer.workload}` : `limits.memory restored to ${answer.limit ?? '(none)'} on ${answer.workload}`;
      this.closeIfDone(incidentId, { actor, summary: message });
      this.deps.reporter.notify(incident, this.deps.runs.getRun(incidentId) ?? run, { step: null, status: 'finished', message, verdict: 'rolled-back', actor });
    }
    return answer;
  }

  private expiresAt(run: RunRecord): number | null {
    const gate = stepOf(run, 'approve');
    if (gate.status !== 'waiting-approval') return null;
    return Date.parse(gate.startedAt ?? run.startedAt) + run.spec.runbook.steps.approve.timeoutSeconds * 1000;
  }

  private incident(incidentId: number): Incident {
    const incident = this.deps.incidents.getIncident(incidentId);
    if (!incident) throw new OomCheckError(ErrorCode.IncidentNotFound, `incident ${incidentId} does not exist`);
    return incident;
  }
}

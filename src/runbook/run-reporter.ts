import type { Finding } from '../core/finding.js';
import type { Incident } from '../core/incident.js';
import type { Clock, Logger } from '../core/ports.js';
import type { RunObserver, RunRecord, RunUpdate, StepName, Verdict } from '../core/run.js';
import { SYSTEM_ACTOR, type NewTimelineEvent, type TimelineData, type TimelineKind } from '../core/timeline.js';

/** The run's own runbook budget: a resumed run keeps the one it started with. */
export const budgetMs = (run: RunRecord): number => run.spec.runbook.budgetSeconds * 1000;

/**
 * How a run speaks: timeline rows stamped with the time elapsed against its budget, and updates to
 * the front ends watching (the CLI's lines, the Slack card). The runner and the lifecycle share it.
 */
export class RunReporter {
  constructor(private readonly deps: { clock: Clock; log: Logger; observers: readonly RunObserver[] }) {}

  /** A timeline row of this run, with the time elapsed against the budget. */
  event(incident: Incident, run: RunRecord, kind: TimelineKind, step: StepName | null, data: TimelineData, actor = SYSTEM_ACTOR): NewTimelineEvent {
    const now = this.deps.clock.now();
    return { incidentId: incident.id, at: now.toISOString(), kind, actor, step, data: { ...data, elapsedMs: now.getTime() - Date.parse(incident.openedAt), budgetMs: budgetMs(run) } };
  }

  notify(incident: Incident, run: RunRecord, change: { step: StepName | null; status: RunUpdate['status']; message: string; findings?: Finding[]; verdict?: Verdict | null; actor?: string }): void {
    const update: RunUpdate = {
      incidentId: incident.id,
      step: change.step,
      status: change.status,
      message: change.message,
      elapsedMs: this.deps.clock.now().getTime() - Date.parse(incident.openedAt),
      budgetMs: budgetMs(run),
      findings: change.findings ?? [],
      verdict: change.verdict ?? null,
      ...(change.actor ? { actor: change.actor } : {}),
    };
    for (const observer of this.deps.observers) {
      try {
        observer.onUpdate(update);
      } catch (error) {
        this.deps.log.warn({ err: error, incidentId: incident.id }, 'a run observer failed; the run goes on');
      }
    }
  }
}

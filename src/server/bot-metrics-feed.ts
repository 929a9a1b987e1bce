import { judgeBudget } from '../core/mitigation-budget.js';
import type { Clock, IncidentListener, IncidentStore, RunStore } from '../core/ports.js';
import type { RunObserver, StepRecord } from '../core/run.js';
import type { BotMetrics } from './bot-metrics.js';

/** Step outcomes the duration histogram counts: a step that ended (a waiting gate has not). */
const ENDED = new Set<StepRecord['status']>(['succeeded', 'failed', 'skipped']);

/** Incidents opened (by trigger) and closed (by verdict), told by the store after each commit. */
export function metricsIncidentListener(metrics: BotMetrics): IncidentListener {
  return {
    opened: (incident) => metrics.incidentsOpened.inc({ cluster: incident.cluster, trigger: incident.trigger }),
    closed: (incident) => metrics.incidentsClosed.inc({ cluster: incident.cluster, verdict: incident.verdict ?? 'unknown' }),
  };
}

/**
 * Step durations, the budget and kill -> mitigation, from the runs' updates. A step's duration is
 * read from its stored record (started, finished) at each update of its run, until the run ends;
 * each ended step is counted once, and only when it ended while this process ran (a restart does
 * not count the steps before it again). The budget is judged when the run ends; a later rollback
 * (a second "finished") or resolution of the same run is not a second judgement.
 */
export function metricsRunObserver(deps: { runs: RunStore; incidents: IncidentStore; clock: Clock; metrics: BotMetrics }): RunObserver {
  const { metrics } = deps;
  const since = deps.clock.now().getTime();
  const counted = new Map<number, Set<string>>();
  const countSteps = (incidentId: number, steps: readonly StepRecord[]) => {
    const seen = counted.get(incidentId) ?? new Set<string>();
    counted.set(incidentId, seen);
    for (const step of steps) {
      if (!ENDED.has(step.status) || !step.startedAt || !step.finishedAt || Date.parse(step.finishedAt) < since) continue;
      const key = `${step.step}@${step.finishedAt}`;
      if (seen.has(key)) continue;
      seen.add(key);
      metrics.stepDuration.observe({ step: step.step, outcome: step.status }, Math.max(0, (Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000));
    }
  };
  return {
    onUpdate: (update) => {
      // After its run ended, an incident only hears of a rollback or a resolution: no step ended.
      if (update.status === 'resolved' || update.verdict === 'rolled-back') return;
      const run = deps.runs.getRun(update.incidentId);
      if (!run) return;
      countSteps(update.incidentId, [...run.rounds.flatMap((round) => round.steps), ...run.steps]);
      if (update.status !== 'finished' || !update.verdict) return;
      counted.delete(update.incidentId);
      const incident = deps.incidents.getIncident(update.incidentId);
      if (!incident) return;
      const judged = judgeBudget(incident, deps.incidents.timeline(incident.id), update.verdict);
      if (judged.killToMitigationSeconds !== null) metrics.killToMitigation.observe({ cluster: incident.cluster }, judged.killToMitigationSeconds);
      if (judged.outcome) metrics.budget.inc({ cluster: incident.cluster, outcome: judged.outcome });
    },
  };
}

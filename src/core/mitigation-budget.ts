import type { Incident } from './incident.js';
import { incidentFacts } from './postmortem/incident-facts.js';
import type { Verdict } from './run.js';
import type { TimelineEvent } from './timeline.js';

export interface BudgetJudgement {
  /** Null when the promise does not apply: there was no OOM kill to mitigate. */
  outcome: 'met' | 'missed' | null;
  /** OOM kill (or detection, when the kill time is unknown) -> verified fix; null without a verified fix. */
  killToMitigationSeconds: number | null;
}

/**
 * The bot's promise for an ended run, as the SLO counts it: met when the fix was verified within
 * the budget (the runbook's, 180 s by default) of the kill; missed when it came later or the run
 * ended without a verified fix (declined, expired, nothing to patch, failed). Not an OOM kill is
 * no incident of the promise. Read from the timeline, as the postmortem reads its key times.
 */
export function judgeBudget(incident: Incident, timeline: readonly TimelineEvent[], verdict: Verdict): BudgetJudgement {
  if (verdict === 'not-oom') return { outcome: null, killToMitigationSeconds: null };
  const times = incidentFacts(incident, timeline).keyTimes;
  const seconds = verdict === 'fixed' && times.mitigatedAt !== null ? Math.max(0, (Date.parse(times.mitigatedAt) - Date.parse(times.impactStartedAt)) / 1000) : null;
  return { outcome: seconds !== null && seconds <= times.budgetSeconds ? 'met' : 'missed', killToMitigationSeconds: seconds };
}

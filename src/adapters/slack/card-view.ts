import { describeSubject, type Incident } from '../../core/incident.js';
import { textField } from '../../core/postmortem/incident-facts.js';
import type { RunRecord, StepName, StepStatus } from '../../core/run.js';
import type { TimelineEvent } from '../../core/timeline.js';

export interface Decision {
  actor: string;
  decision: string;
  at: string;
}

/** What an incident card shows, derived from the store alone, so any replica renders the same card. */
export interface CardView {
  incidentId: number;
  subject: string;
  cluster: string;
  pod: string;
  container: string | null;
  trigger: string;
  open: boolean;
  verdict: string | null;
  steps: Array<{ name: StepName; status: StepStatus }>;
  /** The latest step message. */
  latest: string | null;
  elapsedMs: number;
  budgetMs: number;
  proposal: { before: string; after: string; rationale: string } | null;
  decision: Decision | null;
  rollback: Decision | null;
  alerts: { firing: number; resolved: number };
  pods: string[];
  actions: { approve: boolean; rollback: boolean };
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Alerts by fingerprint: those still firing, and those Alertmanager reported resolved. */
function alertState(events: readonly TimelineEvent[]): { firing: number; resolved: number } {
  const fingerprints = (kind: TimelineEvent['kind']) => new Set(events.filter((event) => event.kind === kind).map((event) => str(event.data.fingerprint)));
  const resolved = fingerprints('alert.resolved');
  return { firing: [...fingerprints('alert.firing')].filter((fingerprint) => !resolved.has(fingerprint)).length, resolved: resolved.size };
}

export function buildCardView(incident: Incident, run: RunRecord | undefined, events: readonly TimelineEvent[], now: Date): CardView {
  const budget = events.map((event) => event.data.budgetMs).find((value) => typeof value === 'number');
  const end = incident.closedAt ? Date.parse(incident.closedAt) : now.getTime();
  const propose = run?.steps.find((step) => step.step === 'propose')?.result ?? {};
  const decisionEvent = events.find((event) => event.kind === 'decision' && event.step === 'approve');
  const rollbackEvent = events.find((event) => event.kind === 'patch.rolled-back');
  const latest = [...events].reverse().find((event) => event.kind.startsWith('step.') && event.kind !== 'step.started');
  const gate = run?.steps.find((step) => step.step === 'approve');
  const applied = run?.steps.find((step) => step.step === 'apply')?.status === 'succeeded';
  const pods = new Set([incident.pod, ...events.filter((event) => event.kind === 'alert.firing').map((event) => str(event.data.pod)).filter(Boolean)]);
  return {
    incidentId: incident.id,
    subject: describeSubject(incident),
    cluster: incident.cluster,
    pod: incident.pod,
    container: incident.container ?? (str(run?.steps.find((step) => step.step === 'detect')?.result.container) || null),
    trigger: incident.trigger,
    open: incident.status === 'open',
    verdict: incident.verdict ?? run?.verdict ?? null,
    steps: (run?.steps ?? []).map((step) => ({ name: step.step, status: step.status })),
    latest: latest ? textField(latest.data, 'message') : null,
    elapsedMs: Math.max(0, end - Date.parse(incident.openedAt)),
    budgetMs: typeof budget === 'number' ? budget : 180_000,
    proposal: str(propose.limit)
      ? { before: str(propose.previousLimit) || '(none)', after: str(propose.limit), rationale: str(propose.rationale) }
      : null,
    decision: decisionEvent ? { actor: decisionEvent.actor, decision: str(decisionEvent.data.decision), at: decisionEvent.at } : null,
    rollback: rollbackEvent ? { actor: rollbackEvent.actor, decision: 'rollback', at: rollbackEvent.at } : null,
    alerts: alertState(events),
    pods: [...pods],
    actions: {
      approve: incident.status === 'open' && gate?.status === 'waiting-approval',
      rollback: incident.status === 'open' && applied && run?.status === 'finished' && !rollbackEvent,
    },
  };
}

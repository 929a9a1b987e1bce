import type { Evidence } from '../../core/evidence.js';
import { describeSubject, type Incident } from '../../core/incident.js';
import { textField } from '../../core/postmortem/incident-facts.js';
import { currentStep, stepOf, type RunRecord, type StepName, type StepStatus, type Verdict } from '../../core/run.js';
import type { ProposeResult } from '../../core/step-results.js';
import type { TimelineEvent } from '../../core/timeline.js';
import { triageFacts, type OwnerFact, type SeverityFact } from '../../core/triage.js';
import { cardState, type CardState } from './card-state.js';
import { oneLine, stepShortfall } from './step-words.js';

/** Something a person did on the incident, and when. */
export interface Act {
  actor: string;
  at: string;
}

/** The proposal as the card states it; every field #11's propose may leave out is null here. */
export interface ProposalView {
  before: string | null;
  after: string;
  workload: string;
  rationale: string;
  basis: NonNullable<ProposeResult['basis']> | null;
  evidence: Evidence | null;
  request: string | null;
  requestNote: string | null;
  rolls: number | null;
  schedule: NonNullable<ProposeResult['schedule']> | null;
  owner: NonNullable<ProposeResult['owner']> | null;
  round: number;
  maxSteps: number;
  /** The runbook's bump after a kill with no measured peak (VPA's ratio and floor), and its safe water line. */
  bump: { ratio: number; minBump: string };
  headroom: number;
  /** The quick downgrade offered beside the limit, with its own button. */
  downgrade: NonNullable<ProposeResult['downgrade']> | null;
}

/** What an incident card shows, derived from the store alone, so any replica renders the same card. */
export interface CardView {
  incidentId: number;
  subject: string;
  cluster: string;
  namespace: string;
  trigger: string;
  state: CardState;
  open: boolean;
  verdict: Verdict | null;
  /** The pod the incident began with, and the one that replaced it once the fix rolled out. */
  pod: string;
  newPod: string | null;
  container: { name: string; kind: 'init' | 'app' | null } | null;
  /** What the detect step saw: the limit the container was killed at, and its restarts. */
  kill: { limit: string | null; restarts: number | null } | null;
  steps: Array<{ name: StepName; status: StepStatus; shortfall: string | null }>;
  /** The step running now, if any. */
  running: StepName | null;
  /** The latest step message: the reason on a failed, paused or finished-early card. */
  message: string | null;
  clock: {
    /** Counted from the OOM kill when detect saw its time, else from the incident's opening. */
    from: 'kill' | 'detection';
    startAt: string;
    elapsedMs: number;
    budgetMs: number;
    /** True while something waits (a step, an approval): the card's clock keeps moving. */
    live: boolean;
    /** Kill to verified fix, when fixed. */
    mitigatedMs: number | null;
    closedAt: string | null;
  };
  proposal: ProposalView | null;
  /** Who approved; `policy` when a self-heal policy did (its name and which fix of its window). */
  /** `image`: the quick downgrade was approved (the slim image), not a limit. */
  approval: (Act & { limit: string | null; image: string | null; edited: boolean; policy: { name: string; fixNumber: number; maxFixes: number; windowSeconds: number } | null }) | null;
  rejection: Act | null;
  rollback: (Act & { restored: string | null }) | null;
  resolution: (Act & { note: string | null }) | null;
  /** The image-info build advice exists (its list is in the thread). */
  buildAdvice: boolean;
  alerts: { firing: number; resolved: number };
  pods: string[];
  /** P1-P4 from the impact when the incident opened, or as a person set it since. */
  severity: SeverityFact | null;
  /** Who said "I'm on it" (or was assigned), and how long after the kill they first did. */
  owner: OwnerFact | null;
  actions: { approve: boolean; rollback: boolean; resolve: boolean; export: boolean; acknowledge: boolean };
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Alerts by fingerprint: those still firing, and those Alertmanager reported resolved. */
function alertState(events: readonly TimelineEvent[]): { firing: number; resolved: number } {
  const fingerprints = (kind: TimelineEvent['kind']) => new Set(events.filter((event) => event.kind === kind).map((event) => str(event.data.fingerprint) ?? ''));
  const resolved = fingerprints('alert.resolved');
  return { firing: [...fingerprints('alert.firing')].filter((fingerprint) => !resolved.has(fingerprint)).length, resolved: resolved.size };
}

function proposalOf(run: RunRecord | undefined): ProposalView | null {
  if (!run) return null;
  const propose = stepOf(run, 'propose').result;
  if (!propose.limit) return null;
  const settings = run.spec.runbook.steps.propose;
  return {
    before: propose.previousLimit ?? null,
    after: propose.limit,
    workload: propose.workload ?? '',
    rationale: propose.rationale ?? '',
    basis: propose.basis ?? null,
    evidence: propose.evidence ?? null,
    request: propose.request ?? null,
    requestNote: propose.requestNote ?? null,
    rolls: propose.rolls ?? null,
    schedule: propose.schedule ?? null,
    owner: propose.owner ?? null,
    round: propose.round ?? run.round,
    maxSteps: propose.maxSteps ?? settings.maxSteps ?? 3,
    bump: { ratio: settings.oomBumpRatio ?? 1.2, minBump: settings.oomMinBump ?? '100Mi' },
    headroom: settings.headroom,
    downgrade: propose.downgrade ?? null,
  };
}

/** The policy that approved, from its decision row, when a policy did. */
function policyOf(decision: TimelineEvent): NonNullable<CardView['approval']>['policy'] {
  const { policy, fixNumber, maxFixes, windowSeconds } = decision.data;
  if (!decision.actor.startsWith('policy:') || typeof policy !== 'string' || typeof fixNumber !== 'number' || typeof maxFixes !== 'number' || typeof windowSeconds !== 'number') return null;
  return { name: policy, fixNumber, maxFixes, windowSeconds };
}

function lastAct(events: readonly TimelineEvent[], test: (event: TimelineEvent) => boolean): TimelineEvent | undefined {
  return events.findLast(test);
}

export function buildCardView(incident: Incident, run: RunRecord | undefined, events: readonly TimelineEvent[], now: Date): CardView {
  const detect = run ? stepOf(run, 'detect').result : {};
  const killedAt = events.map((event) => str(event.data.oomKilledAt)).find((at) => at !== null) ?? str(detect.oomKilledAt);
  const startAt = killedAt ?? incident.openedAt;
  const budgetMs = run ? run.spec.runbook.budgetSeconds * 1000 : (events.map((event) => event.data.budgetMs).find((value) => typeof value === 'number') ?? 180_000);
  // The round's own decision: after an escalation, the first round's approval is history.
  const roundStart = run && run.rounds.length > 0 ? run.rounds.at(-1)!.endedAt : '';
  const decision = lastAct(events, (event) => event.kind === 'decision' && event.step === 'approve' && event.at >= roundStart);
  const rolledBack = lastAct(events, (event) => event.kind === 'patch.rolled-back');
  const resolved = lastAct(events, (event) => event.kind === 'decision' && event.data.decision === 'resolve');
  const closed = lastAct(events, (event) => event.kind === 'incident.closed');
  const mitigated = events.find((event) => event.kind === 'incident.mitigated');
  const latest = lastAct(events, (event) => event.kind.startsWith('step.') && event.kind !== 'step.started');
  const state = cardState(incident, run, { resolved: resolved !== undefined, superseded: /^superseded/.test(str(closed?.data.summary) ?? '') });
  const live = ['checking', 'needs-approval', 'fixing', 'paused'].includes(state);
  const newPod = run ? (stepOf(run, 'wait').result.pod ?? stepOf(run, 'health').result.pod ?? null) : null;
  const approve = run ? stepOf(run, 'approve').result : {};
  const container = incident.container ?? str(detect.container);
  const pods = new Set([incident.pod, ...events.filter((event) => event.kind === 'alert.firing').map((event) => str(event.data.pod)).filter((pod): pod is string => pod !== null)]);
  const finished = run?.status === 'finished';
  const open = incident.status === 'open';
  const triage = triageFacts(events, { killedAt, openedAt: incident.openedAt });
  return {
    incidentId: incident.id,
    subject: describeSubject(incident),
    cluster: incident.cluster,
    namespace: incident.namespace,
    trigger: incident.trigger,
    state,
    open,
    verdict: incident.verdict ?? run?.verdict ?? null,
    pod: incident.pod,
    newPod: newPod && newPod !== incident.pod ? newPod : null,
    container: container ? { name: container, kind: detect.containerKind ?? null } : null,
    kill: detect.container ? { limit: detect.limit ?? null, restarts: detect.restartCount ?? null } : null,
    steps: (run?.steps ?? []).map((step) => ({ name: step.step, status: step.status, shortfall: stepShortfall(step) })),
    running: run && !finished ? (currentStep(run)?.step ?? null) : null,
    message: latest ? oneLine(textField(latest.data, 'message') ?? '') || null : null,
    clock: {
      from: killedAt ? 'kill' : 'detection',
      startAt,
      elapsedMs: Math.max(0, now.getTime() - Date.parse(startAt)),
      budgetMs,
      live,
      mitigatedMs: mitigated ? Math.max(0, Date.parse(mitigated.at) - Date.parse(startAt)) : null,
      closedAt: incident.closedAt,
    },
    proposal: proposalOf(run),
    approval:
      decision && decision.data.decision !== 'reject'
        ? { actor: decision.actor, at: decision.at, limit: str(decision.data.limit) ?? approve.limit ?? null, image: str(decision.data.image), edited: decision.data.decision === 'edit-limit', policy: policyOf(decision) }
        : null,
    rejection: decision && decision.data.decision === 'reject' ? { actor: decision.actor, at: decision.at } : null,
    rollback: rolledBack ? { actor: rolledBack.actor, at: rolledBack.at, restored: str((rolledBack.data.after as Record<string, unknown> | undefined)?.['limits.memory']) ?? str((rolledBack.data.after as Record<string, unknown> | undefined)?.image) } : null,
    resolution: resolved ? { actor: resolved.actor, at: resolved.at, note: str(resolved.data.reason) } : null,
    buildAdvice: run ? (stepOf(run, 'image-info').result.advice ?? []).length > 0 : false,
    alerts: alertState(events),
    pods: [...pods],
    severity: triage.severity,
    owner: triage.owner,
    actions: {
      acknowledge: open && triage.owner === null,
      approve: open && state === 'needs-approval',
      rollback: open && state === 'not-verified' && !rolledBack && [...(run?.rounds ?? []), ...(run ? [run] : [])].some((holder) => stepOf(holder, 'apply').status === 'succeeded'),
      resolve: open && finished,
      export: finished || !open,
    },
  };
}

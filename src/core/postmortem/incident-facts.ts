import type { Incident } from '../incident.js';
import type { JsonValue, TimelineData, TimelineEvent } from '../timeline.js';

export const DEFAULT_BUDGET_SECONDS = 180;

export interface Decision {
  at: string;
  actor: string;
  decision: string;
  limit: string | null;
  reason: string | null;
}

export interface Finding {
  at: string;
  step: string | null;
  title: string;
  detail: string | null;
  advice: string[];
}

export interface PatchRecord {
  at: string;
  actor: string;
  kind: 'applied' | 'rolled-back';
  workload: string;
  container: string | null;
  before: Record<string, string>;
  after: Record<string, string>;
}

export interface KeyTimes {
  impactStartedAt: string;
  openedAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  closedAt: string | null;
  /** OOM kill -> incident opened. */
  mttdSeconds: number;
  /** Opened -> first human decision. */
  mttaSeconds: number | null;
  /** OOM kill -> fix verified. */
  mttrSeconds: number | null;
  /** Opened -> fix verified: what the 3-minute budget is about. */
  checklistSeconds: number | null;
  budgetSeconds: number;
  /** Null while nothing was mitigated. */
  budgetMet: boolean | null;
}

export interface IncidentFacts {
  keyTimes: KeyTimes;
  decisions: Decision[];
  findings: Finding[];
  patches: PatchRecord[];
  followUps: string[];
}

export function textField(data: TimelineData, key: string): string | null {
  const value = data[key];
  return typeof value === 'string' ? value : null;
}

function stringMap(value: JsonValue | undefined): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, typeof entry === 'string' ? entry : JSON.stringify(entry)]));
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function secondsBetween(from: string, to: string | null): number | null {
  return to === null ? null : Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

function earliest(times: Array<string | null>): string | null {
  const valid = times.filter((time): time is string => time !== null && !Number.isNaN(Date.parse(time)));
  return valid.sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
}

function keyTimes(incident: Incident, events: readonly TimelineEvent[]): KeyTimes {
  const firstOf = (kind: TimelineEvent['kind']) => events.find((event) => event.kind === kind)?.at ?? null;
  const impactStartedAt = earliest([incident.openedAt, ...events.map((event) => textField(event.data, 'oomKilledAt'))]) ?? incident.openedAt;
  const acknowledgedAt = firstOf('decision');
  const mitigatedAt = firstOf('incident.mitigated');
  const budget = events.map((event) => event.data.budgetSeconds).find((value) => typeof value === 'number' && value > 0);
  const budgetSeconds = typeof budget === 'number' ? budget : DEFAULT_BUDGET_SECONDS;
  const checklistSeconds = secondsBetween(incident.openedAt, mitigatedAt);
  return {
    impactStartedAt,
    openedAt: incident.openedAt,
    acknowledgedAt,
    mitigatedAt,
    closedAt: incident.closedAt,
    mttdSeconds: secondsBetween(impactStartedAt, incident.openedAt) ?? 0,
    mttaSeconds: secondsBetween(incident.openedAt, acknowledgedAt),
    mttrSeconds: secondsBetween(impactStartedAt, mitigatedAt),
    checklistSeconds,
    budgetSeconds,
    budgetMet: checklistSeconds === null ? null : checklistSeconds <= budgetSeconds,
  };
}

function followUps(incident: Incident, findings: Finding[], patches: PatchRecord[]): string[] {
  const items = new Set(findings.flatMap((finding) => finding.advice));
  const applied = patches.filter((patch) => patch.kind === 'applied');
  const rolledBack = patches.some((patch) => patch.kind === 'rolled-back');
  if (applied.length > 0 && !rolledBack) {
    items.add('Carry the new memory limit into the workload\'s source manifests (Helm, Kustomize, GitOps), or the next deploy reverts it.');
  }
  if (incident.verdict !== null && incident.verdict !== 'fixed') {
    items.add(`Find out why the incident ended "${incident.verdict}" and whether the pod still fails to initialize.`);
  }
  if (incident.status === 'open') items.add('The incident is still open: finish the checklist or close it with a verdict.');
  return [...items];
}

/** Everything a postmortem states, derived from the incident and its timeline alone. */
export function incidentFacts(incident: Incident, events: readonly TimelineEvent[]): IncidentFacts {
  const decisions = events
    .filter((event) => event.kind === 'decision')
    .map((event) => ({
      at: event.at,
      actor: event.actor,
      decision: textField(event.data, 'decision') ?? 'unknown',
      limit: textField(event.data, 'limit'),
      reason: textField(event.data, 'reason'),
    }));
  const findings = events
    .filter((event) => event.kind === 'finding')
    .map((event) => ({
      at: event.at,
      step: event.step,
      title: textField(event.data, 'title') ?? 'Finding',
      detail: textField(event.data, 'detail'),
      advice: strings(event.data.advice),
    }));
  const patches = events
    .filter((event) => event.kind === 'patch.applied' || event.kind === 'patch.rolled-back')
    .map((event): PatchRecord => ({
      at: event.at,
      actor: event.actor,
      kind: event.kind === 'patch.applied' ? 'applied' : 'rolled-back',
      workload: textField(event.data, 'workload') ?? 'unknown workload',
      container: textField(event.data, 'container'),
      before: stringMap(event.data.before),
      after: stringMap(event.data.after),
    }));
  return { keyTimes: keyTimes(incident, events), decisions, findings, patches, followUps: followUps(incident, findings, patches) };
}

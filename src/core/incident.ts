import type { Verdict } from './run.js';

/** Incidents: one per affected workload (or bare pod), opened by a trigger, closed with a verdict. */
export const TRIGGERS = ['slack', 'alertmanager', 'sweep', 'cli', 'watch'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Triggers where the bot found the kill by itself: their runs always wait for a person (never auto-approved). */
export const SELF_DETECTED: ReadonlySet<Trigger> = new Set(['sweep', 'watch']);

export const INCIDENT_STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface WorkloadRef {
  kind: string;
  name: string;
}

export interface ChatRef {
  channel: string;
  ts: string;
}

export interface Incident {
  id: number;
  /** What makes two triggers the same incident: cluster, namespace and owner workload (or pod). */
  dedupeKey: string;
  cluster: string;
  namespace: string;
  pod: string;
  owner: WorkloadRef | null;
  /** The container killed: from the trigger when it knew (an alert's label), else what detect found. */
  container: string | null;
  trigger: Trigger;
  status: IncidentStatus;
  /** ISO-8601 UTC with milliseconds, as every time the store keeps. */
  openedAt: string;
  closedAt: string | null;
  verdict: Verdict | null;
  chat: ChatRef | null;
}

export type NewIncident = Pick<Incident, 'cluster' | 'namespace' | 'pod' | 'owner' | 'container' | 'trigger'> & {
  openedAt: string;
  actor: string;
};

/** The dedupe key groups pods of one owner workload; a bare pod is its own group. */
export function dedupeKeyFor(incident: Pick<Incident, 'cluster' | 'namespace' | 'pod' | 'owner'>): string {
  const subject = incident.owner ? `${incident.owner.kind}/${incident.owner.name}` : `Pod/${incident.pod}`;
  return `${incident.cluster}/${incident.namespace}/${subject}`;
}

/** `Deployment shop/checkout`, or `Pod shop/x` for a pod without an owner. */
export function describeSubject(incident: Pick<Incident, 'namespace' | 'pod' | 'owner'>): string {
  return incident.owner
    ? `${incident.owner.kind} ${incident.namespace}/${incident.owner.name}`
    : `Pod ${incident.namespace}/${incident.pod}`;
}

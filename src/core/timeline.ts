/**
 * The incident timeline: append-only rows, one per thing that happened. Kinds are a closed set so
 * the postmortem can render each; `data` carries the kind's details as JSON.
 */
export const TIMELINE_KINDS = [
  'incident.opened',
  'incident.mitigated',
  'incident.closed',
  'alert.firing',
  'alert.resolved',
  'step.started',
  'step.waiting',
  'step.succeeded',
  'step.failed',
  'step.skipped',
  'finding',
  'decision',
  'policy.refused',
  'escalation',
  'patch.intent',
  'patch.applied',
  'patch.rolled-back',
  'note',
  'access.denied',
  'delivery.failed',
  'error',
  'severity.set',
  'owner.set',
  'storm.joined',
] as const;

export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type TimelineData = { [key: string]: JsonValue };

export interface TimelineEvent {
  /** Increases with every append across all incidents: the order of events at equal times. */
  seq: number;
  incidentId: number;
  at: string;
  kind: TimelineKind;
  /** Who did it: `oom-check`, `slack:U123`, `alertmanager`, `cli:alice`. */
  actor: string;
  step: string | null;
  data: TimelineData;
}

export type NewTimelineEvent = Omit<TimelineEvent, 'seq' | 'step' | 'data'> & {
  step?: string | null;
  data?: TimelineData;
};

export const SYSTEM_ACTOR = 'oom-check';

/*
 * What the postmortem reads from `data`, by kind (other fields are kept and shown as details):
 * - any kind: `oomKilledAt` (ISO time the kernel killed the container), `budgetSeconds`, `message`
 * - finding: `title`, `detail`, `advice` (string[])
 * - decision: `decision` (approve | reject | edit-limit | rollback), `limit`, `reason`
 * - patch.intent / patch.applied / patch.rolled-back: `workload`, `container`, `before` and `after`
 *   (string maps); an intent is written before the request that changes the cluster (`rollback: true`
 *   for a rollback's), so a crash after the server applied it is still on record
 * - note: `text`; incident.closed: `verdict`, `summary`
 * - decision by `policy:<name>` (an automatic approval) and policy.refused: `policy`, `checks` (each bound:
 *   `bound`, `ok`, `value`, `limit`, `detail`), `fixNumber`, `maxFixes`, `windowSeconds`; refused: `refusedBy`
 * - escalation: `level` (approvers | oncall), `pinged` (Slack ids), `waitedSeconds`
 * - severity.set: `severity` (P1..P4), `reason`, `assessed` (true when computed from the workload's status)
 * - owner.set: `owner` (an actor, `slack:U123`); storm.joined: `storm` (its id)
 */

export function isTimelineKind(kind: string): kind is TimelineKind {
  return (TIMELINE_KINDS as readonly string[]).includes(kind);
}

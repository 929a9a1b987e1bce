import { isSeverity, type Severity } from './rules/assess-severity.js';
import type { TimelineEvent } from './timeline.js';

export interface SeverityFact {
  level: Severity;
  reason: string | null;
  /** Computed from the workload's status when the incident opened (else set by a person). */
  assessed: boolean;
  actor: string;
  at: string;
}

export interface OwnerFact {
  /** Who owns the incident now, e.g. `slack:U123`. */
  owner: string;
  /** The first acknowledgement ("I'm on it" or an assignment), the one TTA counts to. */
  acknowledgedAt: string;
  /** Time to acknowledge, from the OOM kill (else the incident's opening) to the first acknowledgement. */
  ttaMs: number;
  from: 'kill' | 'opening';
}

/** The incident's severity and owner as its timeline says: the newest `severity.set` and `owner.set` rows win. */
export function triageFacts(events: readonly TimelineEvent[], start: { killedAt: string | null; openedAt: string }): { severity: SeverityFact | null; owner: OwnerFact | null } {
  const severityRow = events.findLast((event) => event.kind === 'severity.set' && isSeverity(event.data.severity));
  const owners = events.filter((event) => event.kind === 'owner.set' && typeof event.data.owner === 'string');
  const first = owners[0];
  const from = start.killedAt ?? start.openedAt;
  return {
    severity: severityRow
      ? {
          level: severityRow.data.severity as Severity,
          reason: typeof severityRow.data.reason === 'string' ? severityRow.data.reason : null,
          assessed: severityRow.data.assessed === true,
          actor: severityRow.actor,
          at: severityRow.at,
        }
      : null,
    owner: first
      ? { owner: owners.at(-1)!.data.owner as string, acknowledgedAt: first.at, ttaMs: Math.max(0, Date.parse(first.at) - Date.parse(from)), from: start.killedAt ? 'kill' : 'opening' }
      : null,
  };
}

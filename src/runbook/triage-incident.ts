import type { Clock, IncidentStore } from '../core/ports.js';
import type { Severity } from '../core/rules/assess-severity.js';
import { triageFacts } from '../core/triage.js';

type Deps = { incidents: IncidentStore; clock: Clock };

export type TriageAnswer = { outcome: 'set'; previous: string | null } | { outcome: 'unchanged' } | { outcome: 'not-found' };

/** A person sets the incident's severity (over the one assessed from the impact): a `severity.set` row by them. */
export function setSeverity(deps: Deps, incidentId: number, severity: Severity, actor: string): TriageAnswer {
  const incident = deps.incidents.getIncident(incidentId);
  if (!incident) return { outcome: 'not-found' };
  const current = triageFacts(deps.incidents.timeline(incidentId), { killedAt: null, openedAt: incident.openedAt }).severity;
  if (current?.level === severity) return { outcome: 'unchanged' };
  deps.incidents.append({ incidentId, at: deps.clock.now().toISOString(), kind: 'severity.set', actor, data: { severity, reason: current ? `was ${current.level}` : null, assessed: false } });
  return { outcome: 'set', previous: current?.level ?? null };
}

/** `owner` owns the incident from now ("I'm on it", or assigned by `actor`): an `owner.set` row; the first one is the acknowledgement TTA counts to. */
export function setOwner(deps: Deps, incidentId: number, owner: string, actor: string): TriageAnswer {
  const incident = deps.incidents.getIncident(incidentId);
  if (!incident) return { outcome: 'not-found' };
  const current = triageFacts(deps.incidents.timeline(incidentId), { killedAt: null, openedAt: incident.openedAt }).owner;
  if (current?.owner === owner) return { outcome: 'unchanged' };
  deps.incidents.append({ incidentId, at: deps.clock.now().toISOString(), kind: 'owner.set', actor, data: { owner, message: owner === actor ? `${owner} is on it` : `assigned to ${owner} by ${actor}` } });
  return { outcome: 'set', previous: current?.owner ?? null };
}

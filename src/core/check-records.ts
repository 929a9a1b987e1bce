import { ErrorCode, OomCheckError } from './errors.js';
import { TRIGGERS, type Incident, type NewIncident } from './incident.js';
import { isTimelineKind, type NewTimelineEvent } from './timeline.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

function isIsoUtc(text: string): boolean {
  return ISO_UTC.test(text) && !Number.isNaN(Date.parse(text));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Both stores check what they are given the same way, so the fake cannot accept what SQLite refuses.
 * Throws an error naming every field that is wrong.
 */
export function checkNewIncident(input: NewIncident): void {
  const problems: string[] = [];
  for (const field of ['cluster', 'namespace', 'pod', 'actor'] as const) {
    if (typeof input[field] !== 'string' || input[field].length === 0) problems.push(`${field} must be a non-empty string`);
  }
  if (!TRIGGERS.includes(input.trigger)) problems.push(`trigger must be one of ${TRIGGERS.join(', ')}`);
  if (!isIsoUtc(input.openedAt)) problems.push('openedAt must be an ISO-8601 UTC time such as 2026-01-02T03:04:05.000Z');
  if (input.owner && (!input.owner.kind || !input.owner.name)) problems.push('owner needs both kind and name');
  if (problems.length > 0) {
    throw new OomCheckError(ErrorCode.IncidentInvalid, `cannot open incident: ${problems.join('; ')}`);
  }
}

export function checkNewEvent(event: NewTimelineEvent): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(event.incidentId) || event.incidentId <= 0) problems.push('incidentId must be a positive integer');
  if (!isTimelineKind(event.kind)) problems.push(`kind "${String(event.kind)}" is not a timeline kind`);
  if (typeof event.actor !== 'string' || event.actor.length === 0) problems.push('actor must be a non-empty string');
  if (!isIsoUtc(event.at)) problems.push('at must be an ISO-8601 UTC time such as 2026-01-02T03:04:05.000Z');
  if (event.data !== undefined && !isPlainObject(event.data)) problems.push('data must be a JSON object');
  if (problems.length > 0) {
    throw new OomCheckError(ErrorCode.TimelineEventInvalid, `cannot append timeline event: ${problems.join('; ')}`);
  }
}

/** Both stores answer an unknown incident with the same words. */
export function incidentNotFound(id: number): OomCheckError {
  return new OomCheckError(ErrorCode.IncidentNotFound, `incident ${id} does not exist; list open incidents with "/oom-check status"`);
}

export function alreadyClosed(incident: Incident): OomCheckError {
  return new OomCheckError(
    ErrorCode.IncidentInvalid,
    `incident ${incident.id} was already closed at ${incident.closedAt} with verdict "${incident.verdict}"`,
  );
}

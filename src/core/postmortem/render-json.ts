import type { Incident } from '../incident.js';
import type { TimelineEvent } from '../timeline.js';
import { incidentFacts } from './incident-facts.js';

/** Bumped on any change a consumer of the JSON could notice; see the README. */
export const POSTMORTEM_SCHEMA_VERSION = 1;

/** The postmortem as JSON, versioned, deterministic: the same input gives the same bytes. */
export function renderPostmortemJson(incident: Incident, events: readonly TimelineEvent[]): string {
  const { keyTimes, decisions, findings, patches, followUps } = incidentFacts(incident, events);
  const document = {
    schemaVersion: POSTMORTEM_SCHEMA_VERSION,
    incident,
    keyTimes,
    decisions,
    findings,
    patches,
    followUps,
    timeline: events.map(({ seq, at, kind, actor, step, data }) => ({ seq, at, kind, actor, step, data })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

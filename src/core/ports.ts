import type { Incident, IncidentStatus, NewIncident } from './incident.js';
import type { NewTimelineEvent, TimelineEvent } from './timeline.js';

/** Time, passed in so that core code and its tests agree on "now". */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface OpenResult {
  incident: Incident;
  /** False when an open incident with the same dedupe key already existed and was joined. */
  created: boolean;
}

export interface IncidentFilter {
  status?: IncidentStatus;
  limit?: number;
}

/**
 * Incidents and their timelines. Synchronous on purpose: the store is embedded SQLite, and a
 * synchronous port lets a use case read, decide and write without another writer in between.
 */
export interface IncidentStore {
  /** Opens an incident, or joins the open one with the same dedupe key; records `incident.opened` once. */
  openIncident(input: NewIncident): OpenResult;
  getIncident(id: number): Incident | undefined;
  findOpenIncident(dedupeKey: string): Incident | undefined;
  listIncidents(filter?: IncidentFilter): Incident[];
  setChatRef(id: number, chat: { channel: string; ts: string }): Incident;
  /** Closes an open incident with a verdict and records `incident.closed`; closing twice is an error. */
  closeIncident(id: number, close: { at: string; verdict: string; actor: string; summary?: string }): Incident;
  append(event: NewTimelineEvent): TimelineEvent;
  /** Appends all or nothing, in one transaction. */
  appendMany(events: readonly NewTimelineEvent[]): TimelineEvent[];
  timeline(incidentId: number): TimelineEvent[];
  close(): void;
}

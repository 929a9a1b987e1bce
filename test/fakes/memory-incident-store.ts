import type { Verdict } from '../../src/core/run.js';
import { alreadyClosed, checkNewEvent, checkNewIncident, incidentNotFound } from '../../src/core/check-records.js';
import { dedupeKeyFor, type Incident, type NewIncident } from '../../src/core/incident.js';
import type { IncidentFilter, IncidentStore, OpenResult } from '../../src/core/ports.js';
import type { NewTimelineEvent, TimelineEvent } from '../../src/core/timeline.js';


/** An IncidentStore in memory, held to the same contract suite as the SQLite store. */
export class MemoryIncidentStore implements IncidentStore {
  private readonly incidents = new Map<number, Incident>();
  private readonly events: TimelineEvent[] = [];
  private nextId = 1;
  private nextSeq = 1;

  openIncident(input: NewIncident): OpenResult {
    checkNewIncident(input);
    const dedupeKey = dedupeKeyFor(input);
    const existing = this.findOpenIncident(dedupeKey);
    if (existing) return { incident: existing, created: false };
    const incident: Incident = {
      id: this.nextId++,
      dedupeKey,
      cluster: input.cluster,
      namespace: input.namespace,
      pod: input.pod,
      owner: input.owner ? { ...input.owner } : null,
      container: input.container,
      trigger: input.trigger,
      status: 'open',
      openedAt: input.openedAt,
      closedAt: null,
      verdict: null,
      chat: null,
    };
    this.incidents.set(incident.id, incident);
    this.append({
      incidentId: incident.id,
      at: input.openedAt,
      kind: 'incident.opened',
      actor: input.actor,
      data: { trigger: input.trigger, cluster: input.cluster, pod: input.pod, container: input.container },
    });
    return { incident: structuredClone(incident), created: true };
  }

  getIncident(id: number): Incident | undefined {
    const incident = this.incidents.get(id);
    return incident && structuredClone(incident);
  }

  findOpenIncident(dedupeKey: string): Incident | undefined {
    const incident = [...this.incidents.values()].find((i) => i.dedupeKey === dedupeKey && i.status === 'open');
    return incident && structuredClone(incident);
  }

  listIncidents(filter: IncidentFilter = {}): Incident[] {
    const matching = [...this.incidents.values()]
      .filter((incident) => !filter.status || incident.status === filter.status)
      .sort((a, b) => b.id - a.id);
    return structuredClone(filter.limit === undefined ? matching : matching.slice(0, filter.limit));
  }

  setChatRef(id: number, chat: { channel: string; ts: string }): Incident {
    const incident = this.incidents.get(id);
    if (!incident) throw incidentNotFound(id);
    incident.chat = { ...chat };
    return structuredClone(incident);
  }

  latestIncidentForPod(pod: { cluster: string; namespace: string; pod: string }): Incident | undefined {
    const incident = [...this.incidents.values()].filter((i) => i.cluster === pod.cluster && i.namespace === pod.namespace && i.pod === pod.pod).at(-1);
    return incident && structuredClone(incident);
  }

  findIncidentByChat(chat: { channel: string; ts: string }): Incident | undefined {
    const incident = [...this.incidents.values()].find((i) => i.chat?.channel === chat.channel && i.chat.ts === chat.ts);
    return incident && structuredClone(incident);
  }

  closeIncident(id: number, close: { at: string; verdict: Verdict; actor: string; summary?: string }): Incident {
    checkNewEvent({ incidentId: id, at: close.at, kind: 'incident.closed', actor: close.actor });
    const incident = this.incidents.get(id);
    if (!incident) throw incidentNotFound(id);
    if (incident.status === 'closed') throw alreadyClosed(incident);
    Object.assign(incident, { status: 'closed', closedAt: close.at, verdict: close.verdict });
    this.append({
      incidentId: id,
      at: close.at,
      kind: 'incident.closed',
      actor: close.actor,
      data: { verdict: close.verdict, ...(close.summary ? { summary: close.summary } : {}) },
    });
    return structuredClone(incident);
  }

  append(event: NewTimelineEvent): TimelineEvent {
    return this.appendMany([event])[0]!;
  }

  appendMany(events: readonly NewTimelineEvent[]): TimelineEvent[] {
    events.forEach(checkNewEvent);
    const unknown = events.find((event) => !this.incidents.has(event.incidentId));
    if (unknown) throw incidentNotFound(unknown.incidentId);
    const stored = events.map((event) => ({
      seq: this.nextSeq++,
      incidentId: event.incidentId,
      at: event.at,
      kind: event.kind,
      actor: event.actor,
      step: event.step ?? null,
      data: structuredClone(event.data ?? {}),
    }));
    this.events.push(...stored);
    return structuredClone(stored);
  }

  timeline(incidentId: number): TimelineEvent[] {
    return structuredClone(this.events.filter((event) => event.incidentId === incidentId));
  }

  close(): void {}
}

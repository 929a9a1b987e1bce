import type { Database } from 'better-sqlite3';
import { alreadyClosed, checkNewEvent, checkNewIncident, incidentNotFound } from '../../core/check-records.js';
import { dedupeKeyFor, type Incident, type NewIncident } from '../../core/incident.js';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import { writing } from './writing.js';
import type { IncidentFilter, IncidentListener, IncidentStore, OpenResult } from '../../core/ports.js';
import { isVerdict, type Verdict } from '../../core/run.js';
import type { NewTimelineEvent, TimelineData, TimelineEvent, TimelineKind } from '../../core/timeline.js';

interface IncidentRow {
  id: number;
  dedupe_key: string;
  cluster: string;
  namespace: string;
  pod: string;
  owner_kind: string | null;
  owner_name: string | null;
  container: string | null;
  trigger: Incident['trigger'];
  status: Incident['status'];
  opened_at: string;
  closed_at: string | null;
  verdict: string | null;
  chat_channel: string | null;
  chat_ts: string | null;
}

interface EventRow {
  seq: number;
  incident_id: number;
  at: string;
  kind: TimelineKind;
  actor: string;
  step: string | null;
  data: string;
}

function toIncident(row: IncidentRow): Incident {
  if (row.verdict !== null && !isVerdict(row.verdict)) {
    throw new OomCheckError(ErrorCode.RunStateInvalid, `incident ${row.id}: unknown verdict "${row.verdict}" in the database`);
  }
  return {
    id: row.id,
    dedupeKey: row.dedupe_key,
    cluster: row.cluster,
    namespace: row.namespace,
    pod: row.pod,
    owner: row.owner_kind && row.owner_name ? { kind: row.owner_kind, name: row.owner_name } : null,
    container: row.container,
    trigger: row.trigger,
    status: row.status,
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    verdict: row.verdict,
    chat: row.chat_channel && row.chat_ts ? { channel: row.chat_channel, ts: row.chat_ts } : null,
  };
}

function toEvent(row: EventRow): TimelineEvent {
  return {
    seq: row.seq,
    incidentId: row.incident_id,
    at: row.at,
    kind: row.kind,
    actor: row.actor,
    step: row.step,
    data: JSON.parse(row.data) as TimelineData,
  };
}


function prepareStatements(db: Database) {
  return {
    insertIncident: db.prepare(`INSERT INTO incidents
      (dedupe_key, cluster, namespace, pod, owner_kind, owner_name, container, trigger, opened_at)
      VALUES (@dedupeKey, @cluster, @namespace, @pod, @ownerKind, @ownerName, @container, @trigger, @openedAt)
      RETURNING *`),
    getIncident: db.prepare('SELECT * FROM incidents WHERE id = ?'),
    findOpen: db.prepare("SELECT * FROM incidents WHERE dedupe_key = ? AND status = 'open'"),
    list: db.prepare(`SELECT * FROM incidents WHERE (@status IS NULL OR status = @status)
      ORDER BY id DESC LIMIT @limit`),
    latestForPod: db.prepare('SELECT * FROM incidents WHERE cluster = ? AND namespace = ? AND pod = ? ORDER BY id DESC LIMIT 1'),
    byChat: db.prepare('SELECT * FROM incidents WHERE chat_channel = ? AND chat_ts = ?'),
    setChat: db.prepare('UPDATE incidents SET chat_channel = ?, chat_ts = ? WHERE id = ? RETURNING *'),
    close: db.prepare(`UPDATE incidents SET status = 'closed', closed_at = ?, verdict = ?
      WHERE id = ? AND status = 'open' RETURNING *`),
    insertEvent: db.prepare(`INSERT INTO timeline_events (incident_id, at, kind, actor, step, data)
      VALUES (?, ?, ?, ?, ?, ?) RETURNING *`),
    timeline: db.prepare('SELECT * FROM timeline_events WHERE incident_id = ? ORDER BY seq'),
  };
}

/** IncidentStore on better-sqlite3; the schema comes from migrations/. */
export class SqliteIncidentStore implements IncidentStore {
  private readonly sql: ReturnType<typeof prepareStatements>;

  /** `listeners` may grow after construction (the bot adds its own once they exist). */
  constructor(
    private readonly db: Database,
    private readonly listeners: readonly IncidentListener[] = [],
  ) {
    this.sql = prepareStatements(db);
  }

  openIncident(input: NewIncident): OpenResult {
    checkNewIncident(input);
    const dedupeKey = dedupeKeyFor(input);
    const result = writing(() => this.db.transaction((): OpenResult => {
      const existing = this.sql.findOpen.get(dedupeKey) as IncidentRow | undefined;
      if (existing) return { incident: toIncident(existing), created: false };
      const row = this.sql.insertIncident.get({
        dedupeKey,
        cluster: input.cluster,
        namespace: input.namespace,
        pod: input.pod,
        ownerKind: input.owner?.kind ?? null,
        ownerName: input.owner?.name ?? null,
        container: input.container,
        trigger: input.trigger,
        openedAt: input.openedAt,
      }) as IncidentRow;
      const incident = toIncident(row);
      this.insertEvent({
        incidentId: incident.id,
        at: input.openedAt,
        kind: 'incident.opened',
        actor: input.actor,
        data: { trigger: input.trigger, cluster: input.cluster, pod: input.pod, container: input.container },
      });
      return { incident, created: true };
    }).immediate());
    if (result.created) this.tell((listener) => listener.opened?.(result.incident));
    return result;
  }

  getIncident(id: number): Incident | undefined {
    const row = this.sql.getIncident.get(id) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  findOpenIncident(dedupeKey: string): Incident | undefined {
    const row = this.sql.findOpen.get(dedupeKey) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  listIncidents(filter: IncidentFilter = {}): Incident[] {
    const rows = this.sql.list.all({ status: filter.status ?? null, limit: filter.limit ?? -1 }) as IncidentRow[];
    return rows.map(toIncident);
  }

  setChatRef(id: number, chat: { channel: string; ts: string }): Incident {
    const row = writing(() => this.sql.setChat.get(chat.channel, chat.ts, id)) as IncidentRow | undefined;
    if (!row) throw incidentNotFound(id);
    return toIncident(row);
  }

  latestIncidentForPod(pod: { cluster: string; namespace: string; pod: string }): Incident | undefined {
    const row = this.sql.latestForPod.get(pod.cluster, pod.namespace, pod.pod) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  findIncidentByChat(chat: { channel: string; ts: string }): Incident | undefined {
    const row = this.sql.byChat.get(chat.channel, chat.ts) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  closeIncident(id: number, close: { at: string; verdict: Verdict; actor: string; summary?: string }): Incident {
    checkNewEvent({ incidentId: id, at: close.at, kind: 'incident.closed', actor: close.actor });
    const closed = writing(() => this.db.transaction((): Incident => {
      const row = this.sql.close.get(close.at, close.verdict, id) as IncidentRow | undefined;
      if (!row) {
        const existing = this.getIncident(id);
        if (!existing) throw incidentNotFound(id);
        throw alreadyClosed(existing);
      }
      this.insertEvent({
        incidentId: id,
        at: close.at,
        kind: 'incident.closed',
        actor: close.actor,
        data: { verdict: close.verdict, ...(close.summary ? { summary: close.summary } : {}) },
      });
      return toIncident(row);
    }).immediate());
    this.tell((listener) => listener.closed?.(closed));
    return closed;
  }

  append(event: NewTimelineEvent): TimelineEvent {
    checkNewEvent(event);
    return writing(() => this.insertEvent(event));
  }

  appendMany(events: readonly NewTimelineEvent[]): TimelineEvent[] {
    events.forEach(checkNewEvent);
    return writing(() => this.db.transaction(() => events.map((event) => this.insertEvent(event))).immediate());
  }

  timeline(incidentId: number): TimelineEvent[] {
    return (this.sql.timeline.all(incidentId) as EventRow[]).map(toEvent);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * After the commit. Inside someone's outer transaction the write could still roll back, so
   * listeners are not told then (no caller opens or closes an incident inside one).
   */
  private tell(what: (listener: IncidentListener) => void): void {
    if (this.db.inTransaction) return;
    for (const listener of this.listeners) {
      try {
        what(listener);
      } catch {
        // A listener's failure (a metric, a chart) must not undo or fail the incident's write.
      }
    }
  }

  private insertEvent(event: NewTimelineEvent): TimelineEvent {
    try {
      const row = this.sql.insertEvent.get(
        event.incidentId,
        event.at,
        event.kind,
        event.actor,
        event.step ?? null,
        JSON.stringify(event.data ?? {}),
      ) as EventRow;
      return toEvent(row);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw incidentNotFound(event.incidentId);
      throw error;
    }
  }
}

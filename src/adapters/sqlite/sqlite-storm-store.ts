import type { Database } from 'better-sqlite3';
import type { Storm, StormStore } from '../../core/ports.js';
import { writing } from './writing.js';

interface StormRow {
  id: number;
  channel: string;
  chat_ts: string | null;
  started_at: string;
  ended_at: string | null;
}

const toStorm = (row: StormRow): Storm => ({ id: row.id, channel: row.channel, ts: row.chat_ts, startedAt: row.started_at, endedAt: row.ended_at });

function prepareStatements(db: Database) {
  return {
    running: db.prepare('SELECT * FROM storms WHERE ended_at IS NULL'),
    get: db.prepare('SELECT * FROM storms WHERE id = ?'),
    start: db.prepare('INSERT INTO storms (channel, started_at) VALUES (?, ?) RETURNING *'),
    setCard: db.prepare('UPDATE storms SET chat_ts = ? WHERE id = ?'),
    end: db.prepare('UPDATE storms SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
    join: db.prepare('INSERT OR IGNORE INTO storm_members (incident_id, storm_id, joined_at) VALUES (?, ?, ?)'),
    stormOf: db.prepare('SELECT s.* FROM storms s JOIN storm_members m ON m.storm_id = s.id WHERE m.incident_id = ?'),
    members: db.prepare('SELECT incident_id FROM storm_members WHERE storm_id = ? ORDER BY incident_id'),
    openedSince: db.prepare('SELECT id FROM incidents WHERE opened_at >= ? ORDER BY id'),
  };
}

/** StormStore on the bot's database (migrations/0009_storms.sql). */
export class SqliteStormStore implements StormStore {
  private readonly sql: ReturnType<typeof prepareStatements>;

  constructor(db: Database) {
    this.sql = prepareStatements(db);
  }

  running(): Storm | undefined {
    const row = this.sql.running.get() as StormRow | undefined;
    return row ? toStorm(row) : undefined;
  }

  get(id: number): Storm | undefined {
    const row = this.sql.get.get(id) as StormRow | undefined;
    return row ? toStorm(row) : undefined;
  }

  start(channel: string, at: string): Storm {
    return toStorm(writing(() => this.sql.start.get(channel, at)) as StormRow);
  }

  setCard(id: number, ts: string): void {
    writing(() => this.sql.setCard.run(ts, id));
  }

  end(id: number, at: string): void {
    writing(() => this.sql.end.run(at, id));
  }

  join(stormId: number, incidentId: number, at: string): void {
    writing(() => this.sql.join.run(incidentId, stormId, at));
  }

  stormOf(incidentId: number): Storm | undefined {
    const row = this.sql.stormOf.get(incidentId) as StormRow | undefined;
    return row ? toStorm(row) : undefined;
  }

  members(stormId: number): number[] {
    return (this.sql.members.all(stormId) as Array<{ incident_id: number }>).map((row) => row.incident_id);
  }

  openedSince(at: string): number[] {
    return (this.sql.openedSince.all(at) as Array<{ id: number }>).map((row) => row.id);
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { expectGolden } from '../golden.js';
import { describeIncidentStoreContract, newIncident, T0 } from './incident-store-contract.js';

describeIncidentStoreContract('SQLite', () => new SqliteIncidentStore(openDatabase(':memory:').db));

describe('SQLite store on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('uses WAL, foreign keys and a busy timeout', () => {
    const { db } = openDatabase(join(dir, 'nested', 'oom-check.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });

  test('keeps incidents and timelines across a reopen', () => {
    const path = join(dir, 'oom-check.db');
    const first = new SqliteIncidentStore(openDatabase(path).db);
    const { incident } = first.openIncident(newIncident());
    first.append({ incidentId: incident.id, at: T0, kind: 'note', actor: 'slack:U1', data: { text: 'hello' } });
    first.close();
    const second = new SqliteIncidentStore(openDatabase(path).db);
    expect(second.getIncident(incident.id)).toEqual(incident);
    expect(second.timeline(incident.id).map((e) => e.kind)).toEqual(['incident.opened', 'note']);
    second.close();
  });

  test('the database itself refuses to update or delete timeline rows', () => {
    const { db } = openDatabase(':memory:');
    const store = new SqliteIncidentStore(db);
    const { incident } = store.openIncident(newIncident());
    expect(() => db.prepare("UPDATE timeline_events SET actor = 'mallory'").run()).toThrow(/append-only: rows cannot be updated/);
    expect(() => db.prepare('DELETE FROM timeline_events').run()).toThrow(/append-only: rows cannot be deleted/);
    expect(() => db.prepare('DELETE FROM incidents').run()).toThrow(/FOREIGN KEY/);
    expect(store.timeline(incident.id)).toHaveLength(1);
    expect(() =>
      db.prepare("INSERT INTO timeline_events (incident_id, at, kind, actor, data) VALUES (?, ?, 'note', 'x', '[1]')").run(incident.id, T0),
    ).toThrow(/CHECK constraint/);
    store.close();
  });

  test('at most one open incident per dedupe key, enforced by an index', () => {
    const { db } = openDatabase(':memory:');
    const store = new SqliteIncidentStore(db);
    const { incident } = store.openIncident(newIncident());
    expect(() =>
      db
        .prepare("INSERT INTO incidents (dedupe_key, cluster, namespace, pod, trigger, opened_at) VALUES (?, 'c', 'n', 'p', 'cli', ?)")
        .run(incident.dedupeKey, T0),
    ).toThrow(/UNIQUE/);
    store.close();
  });

  test('the migrated schema matches the committed snapshot', () => {
    const { db } = openDatabase(':memory:');
    const rows = db
      .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
      .all() as Array<{ type: string; name: string; sql: string | null }>;
    db.close();
    const schema = rows.map((row) => `-- ${row.type} ${row.name}\n${row.sql ?? ''};\n`).join('\n');
    expectGolden('schema.sql', schema);
  });
});

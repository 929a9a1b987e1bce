import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { ErrorCode } from '../../src/core/errors.js';
import { migrationsDir } from '../../src/paths.js';
import { seedDatabase } from '../cli/seed-database.js';
import { newIncident } from './incident-store-contract.js';

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('openDatabase(path, { readonly: true })', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-read-only-'));
    path = join(dir, 'oom-check.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('reads a closed database without writing or creating any file', () => {
    seedDatabase(path);
    const before = readFileSync(path);
    const { db, applied } = openDatabase(path, { readonly: true });
    const store = new SqliteIncidentStore(db);
    expect(applied).toEqual([]);
    expect(store.getIncident(1)?.pod).toBe('checkout-7d9f8-abcde');
    expect(store.timeline(1).length).toBeGreaterThan(5);
    expect(() => db.exec('DELETE FROM incidents')).toThrow(/readonly/);
    store.close();
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['oom-check.db']);
  });

  test('sees what a writer that still has the database open has committed', () => {
    const writer = new SqliteIncidentStore(openDatabase(path).db);
    const { incident } = writer.openIncident(newIncident({ pod: 'checkout-7d9f8-later' }));
    const reader = new SqliteIncidentStore(openDatabase(path, { readonly: true }).db);
    expect(reader.getIncident(incident.id)?.pod).toBe('checkout-7d9f8-later');
    reader.close();
    writer.close();
  });

  test('refuses a database with pending migrations, and an empty file, sending both to migrate', () => {
    const older = join(dir, 'migrations');
    mkdirSync(older);
    copyFileSync(join(migrationsDir, '0001_incidents_and_timeline.sql'), join(older, '0001_incidents_and_timeline.sql'));
    openDatabase(path, { migrations: older }).db.close();
    expect(errorOf(() => openDatabase(path, { readonly: true }))).toMatchObject({
      code: ErrorCode.DatabaseNeedsMigration,
      message: expect.stringMatching(/is at schema version 1 but this oom-check reads version \d+: run oom-check migrate/),
    });
    writeFileSync(join(dir, 'empty.db'), '');
    expect(errorOf(() => openDatabase(join(dir, 'empty.db'), { readonly: true }))).toMatchObject({
      code: ErrorCode.DatabaseNeedsMigration,
      message: expect.stringContaining('has no oom-check schema yet'),
    });
  });

  test('a missing file is not found, and nothing is created', () => {
    expect(errorOf(() => openDatabase(join(dir, 'sub', 'none.db'), { readonly: true }))).toMatchObject({ code: ErrorCode.DatabaseNotFound });
    expect(readdirSync(dir)).toEqual([]);
  });
});

import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate, readMigrations, schemaVersion } from '../../src/adapters/sqlite/migrate.js';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { ErrorCode, type OomCheckError } from '../../src/core/errors.js';
import { migrationsDir } from '../../src/paths.js';

function errorOf(fn: () => unknown): OomCheckError {
  try {
    fn();
  } catch (error) {
    return error as OomCheckError;
  }
  throw new Error('expected an error');
}

describe('migrations', () => {
  let dir: string;
  let migrations: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-migrate-'));
    migrations = join(dir, 'migrations');
    cpSync(migrationsDir, migrations, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the shipped migrations are numbered from 1 without gaps', () => {
    expect(readMigrations(migrationsDir).map((m) => m.version)).toEqual(
      readMigrations(migrationsDir).map((_, index) => index + 1),
    );
  });

  test('0007 rebuilds incidents for the watch trigger: rows, ids, references and foreign keys survive', () => {
    const upTo6 = join(dir, 'up-to-6');
    cpSync(migrationsDir, upTo6, { recursive: true, filter: (path) => !/000[7-9]_|00[1-9]\d_/.test(path) });
    const path = join(dir, 'old.db');
    const db = new BetterSqlite3(path);
    db.pragma('foreign_keys = ON');
    migrate(db, upTo6);
    expect(schemaVersion(db)).toBe(6);
    const open = (id: number) =>
      db.prepare(`INSERT INTO incidents (id, dedupe_key, cluster, namespace, pod, trigger, opened_at) VALUES (?, ?, 'c', 'shop', 'p', 'sweep', '2026-11-27T10:00:00.000Z')`).run(id, `k${id}`);
    open(1);
    open(7);
    db.prepare(`INSERT INTO timeline_events (incident_id, at, kind, actor) VALUES (7, '2026-11-27T10:00:00.000Z', 'note', 'x')`).run();
    db.prepare(`DELETE FROM incidents WHERE id = 1`).run();
    open(8);
    const watched = db.prepare(`INSERT INTO incidents (dedupe_key, cluster, namespace, pod, trigger, opened_at) VALUES ('w', 'c', 'shop', 'p', 'watch', '2026-11-27T10:00:00.000Z') RETURNING id`);
    expect(() => watched.run()).toThrow(/CHECK constraint failed/);

    migrate(db, migrationsDir);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare('SELECT id FROM incidents ORDER BY id').all()).toEqual([{ id: 7 }, { id: 8 }]);
    expect(db.prepare(`INSERT INTO incidents (dedupe_key, cluster, namespace, pod, trigger, opened_at) VALUES ('w', 'c', 'shop', 'p', 'watch', '2026-11-27T10:00:00.000Z') RETURNING id`).get()).toEqual({ id: 9 });
    expect(() => db.prepare(`INSERT INTO timeline_events (incident_id, at, kind, actor) VALUES (99, '2026-11-27T10:00:00.000Z', 'note', 'x')`).run()).toThrow(/FOREIGN KEY/);
    db.close();
  });

  test('applies files in version order, each recorded with its checksum, and only once', () => {
    // Versions far above the shipped ones, so new shipped migrations never collide with them.
    writeFileSync(join(migrations, '0099_later.sql'), 'CREATE TABLE later (id INTEGER PRIMARY KEY);');
    writeFileSync(join(migrations, '0098_earlier.sql'), 'CREATE TABLE earlier (id INTEGER PRIMARY KEY);');
    const db = new BetterSqlite3(':memory:');
    const applied = migrate(db, migrations, () => new Date('2026-11-27T10:00:00Z'));
    expect(applied.map((m) => m.file).slice(-2)).toEqual(['0098_earlier.sql', '0099_later.sql']);
    const rows = db.prepare('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version').all();
    expect(rows.at(-1)).toEqual({
      version: 99,
      name: 'later',
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      applied_at: '2026-11-27T10:00:00.000Z',
    });
    expect(migrate(db, migrations)).toEqual([]);
    expect(schemaVersion(db)).toBe(99);
    db.close();
  });

  test('a failing migration is rolled back whole and named', () => {
    writeFileSync(join(migrations, '0050_broken.sql'), 'CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);');
    const db = new BetterSqlite3(':memory:');
    const error = errorOf(() => migrate(db, migrations));
    expect(error.code).toBe(ErrorCode.MigrationFileInvalid);
    expect(error.message).toMatch(/0050_broken\.sql failed and was rolled back .*no such table: nowhere/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    expect(schemaVersion(db)).toBe(Math.max(...readMigrations(migrationsDir).map((m) => m.version)));
    db.close();
  });

  test('refuses to start when an applied migration was edited', () => {
    const path = join(dir, 'oom-check.db');
    openDatabase(path, { migrations }).db.close();
    appendFileSync(join(migrations, '0001_incidents_and_timeline.sql'), '\n-- a sneaky edit\n');
    const error = errorOf(() => openDatabase(path, { migrations }));
    expect(error.code).toBe(ErrorCode.MigrationChecksumMismatch);
    expect(error.message).toMatch(/0001_incidents_and_timeline\.sql was changed after it was applied/);
    expect(error.message).toMatch(/put the change in a new migration/);
  });

  test('refuses a database written by a newer oom-check', () => {
    const path = join(dir, 'oom-check.db');
    writeFileSync(join(migrations, '0099_future.sql'), 'CREATE TABLE future (id INTEGER);');
    openDatabase(path, { migrations }).db.close();
    rmSync(join(migrations, '0099_future.sql'));
    const error = errorOf(() => openDatabase(path, { migrations }));
    expect(error.code).toBe(ErrorCode.DatabaseNewerThanCode);
    const latest = Math.max(...readMigrations(migrationsDir).map((m) => m.version));
    expect(error.message).toContain(`has migration 99 (future) but this oom-check knows migrations up to ${latest}`);
  });

  test('refuses a new migration numbered below one already applied', () => {
    const path = join(dir, 'oom-check.db');
    writeFileSync(join(migrations, '0090_third.sql'), 'CREATE TABLE third (id INTEGER);');
    openDatabase(path, { migrations }).db.close();
    writeFileSync(join(migrations, '0080_second.sql'), 'CREATE TABLE second (id INTEGER);');
    expect(errorOf(() => openDatabase(path, { migrations })).message).toMatch(/0080_second\.sql is older than the applied migration 90/);
  });

  test.each([
    ['1_short.sql', /"1_short\.sql" is not named NNNN_name\.sql/],
    ['0002_Bad-Name.sql', /"0002_Bad-Name\.sql" is not named NNNN_name\.sql/],
  ])('refuses a badly named file %s', (file, message) => {
    writeFileSync(join(migrations, file), 'SELECT 1;');
    expect(() => readMigrations(migrations)).toThrow(message);
  });

  test('refuses two files with one version', () => {
    writeFileSync(join(migrations, '0001_again.sql'), 'SELECT 1;');
    expect(() => readMigrations(migrations)).toThrow(/share version 1/);
  });
});

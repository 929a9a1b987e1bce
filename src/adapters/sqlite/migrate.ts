import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import { isStorageFailure } from '../fs/to-storage-error.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `NNNN_name.sql` files in version order; any other `.sql` name or a repeated version is an error. */
export function readMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match) {
        throw new OomCheckError(
          ErrorCode.MigrationFileInvalid,
          `migration file "${file}" is not named NNNN_name.sql (four digits, then lower-case words joined by _)`,
        );
      }
      const sql = readFileSync(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      return { version: Number(match[1]), name: match[2] ?? '', file, sql, checksum };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new OomCheckError(
        ErrorCode.MigrationFileInvalid,
        `migrations ${previous.file} and ${migration.file} share version ${migration.version}; give the newer one the next free number`,
      );
    }
  });
  return migrations;
}

/** The migrations table, created by the first migrate; a read-only open only reads it. */
function createMigrationsTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
}

function appliedMigrations(db: Database): AppliedMigration[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!exists) return [];
  return db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
}

/** Refuses a database that disagrees with the files: edited history or a schema from a newer release. */
function checkHistory(applied: AppliedMigration[], migrations: Migration[]): void {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  const latestKnown = migrations.at(-1)?.version ?? 0;
  for (const record of applied) {
    const migration = byVersion.get(record.version);
    if (!migration) {
      throw new OomCheckError(
        ErrorCode.DatabaseNewerThanCode,
        `the database has migration ${record.version} (${record.name}) but this oom-check knows migrations up to ${latestKnown}: ` +
          'run the oom-check release that wrote it, or restore a backup made for this release',
      );
    }
    if (migration.checksum !== record.checksum) {
      throw new OomCheckError(
        ErrorCode.MigrationChecksumMismatch,
        `migration ${migration.file} was changed after it was applied (checksum ${record.checksum.slice(0, 12)} in the database, ` +
          `${migration.checksum.slice(0, 12)} on disk): restore the released file and put the change in a new migration`,
      );
    }
  }
  const latestApplied = applied.at(-1)?.version ?? 0;
  const skipped = migrations.find((m) => m.version < latestApplied && !applied.some((a) => a.version === m.version));
  if (skipped) {
    throw new OomCheckError(
      ErrorCode.MigrationFileInvalid,
      `migration ${skipped.file} is older than the applied migration ${latestApplied} but was never applied: ` +
        'renumber it after the latest released migration',
    );
  }
}

/**
 * The migrations of `dir` the database has not applied yet, oldest first, after the same refusals
 * as migrate (edited, newer or skipped migrations). Writes nothing, so a read-only open can check
 * that it knows the schema it reads.
 */
export function pendingMigrations(db: Database, dir: string): Migration[] {
  const migrations = readMigrations(dir);
  const applied = appliedMigrations(db);
  checkHistory(applied, migrations);
  const done = new Set(applied.map((record) => record.version));
  return migrations.filter((migration) => !done.has(migration.version));
}

/**
 * A migration that rebuilds a table other tables refer to (SQLite cannot change a CHECK in place)
 * starts with this line: it runs with foreign keys off, as SQLite's own procedure for such changes
 * requires, and must leave `PRAGMA foreign_key_check` clean or it is rolled back.
 */
const FOREIGN_KEYS_OFF = /^-- oom-check: foreign-keys-off\s*$/m;

/** Applies pending migrations in order, each in its own transaction; returns the ones applied now. */
export function migrate(db: Database, dir: string, now: () => Date = () => new Date()): Migration[] {
  createMigrationsTable(db);
  const pending = pendingMigrations(db, dir);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const migration of pending) {
    const rebuild = FOREIGN_KEYS_OFF.test(migration.sql);
    // The pragma is a no-op inside a transaction, so it is switched before and after it.
    const foreignKeys = db.pragma('foreign_keys', { simple: true });
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        const broken = rebuild ? (db.pragma('foreign_key_check') as unknown[]) : [];
        if (broken.length > 0) throw new Error(`it leaves ${broken.length} broken foreign key reference(s)`);
        record.run(migration.version, migration.name, migration.checksum, now().toISOString());
      })();
    } catch (error) {
      // A full disk or a read-only file is not the migration's fault: let the caller say so.
      if (isStorageFailure(error)) throw error;
      throw new OomCheckError(
        ErrorCode.MigrationFileInvalid,
        `migration ${migration.file} failed and was rolled back (${(error as Error).message}); fix the file and run migrate again`,
        { cause: error },
      );
    } finally {
      if (rebuild) db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
    }
  }
  return pending;
}

export function schemaVersion(db: Database): number {
  return appliedMigrations(db).at(-1)?.version ?? 0;
}

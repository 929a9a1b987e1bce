import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import { migrationsDir } from '../../paths.js';
import { toStorageError } from '../fs/to-storage-error.js';
import { migrate, pendingMigrations, schemaVersion, type Migration } from './migrate.js';

export interface OpenedDatabase {
  db: Database;
  /** Migrations applied by this open, oldest first (none for a read-only open). */
  applied: Migration[];
}

export interface OpenOptions {
  /** Folder of NNNN_name.sql files (tests pass their own). */
  migrations?: string;
  /**
   * Read without writing anything: no folder or file is created, nothing is migrated, the journal
   * mode is left alone. The file must exist and be at the schema this release knows. For readers
   * (`export`) that must work on a database they may not write.
   */
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the database and brings its schema up to date. WAL lets readers
 * (exports, /readyz) run beside the writer; the busy timeout rides out a second process's write.
 * Whatever goes wrong with the file (a folder, random bytes, damage, modes, a full disk) comes out
 * as one OomCheckError naming the path, so every command that opens the database says it the same way.
 */
export function openDatabase(path: string, options: OpenOptions = {}): OpenedDatabase {
  const migrations = options.migrations ?? migrationsDir;
  try {
    return options.readonly ? openReadOnly(path, migrations) : openWritable(path, migrations);
  } catch (error) {
    throw toStorageError(error, { role: 'database', path });
  }
}

function openWritable(path: string, migrations: string): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    // SQLite quietly opens a file it may not write read-only, and an up-to-date schema needs no
    // write: without this check a read-only database would fail at the first write of a run.
    if (path !== ':memory:') accessSync(path, constants.W_OK);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const applied = migrate(db, migrations);
    return { db, applied };
  } catch (error) {
    db.close();
    throw error;
  }
}

function openReadOnly(path: string, migrations: string): OpenedDatabase {
  // better-sqlite3 reports a missing file or folder as a plain TypeError; stat gives the errno
  // (ENOENT, ENOTDIR, EACCES) that toStorageError turns into a sentence.
  statSync(path);
  const db = openForReading(path);
  try {
    db.pragma('busy_timeout = 5000');
    const pending = pendingMigrations(db, migrations);
    const latest = pending.at(-1);
    if (latest) throw needsMigration(path, schemaVersion(db), latest.version);
    return { db, applied: [] };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A read-only SQLite connection to a WAL database still creates the -wal and -shm files, which
 * fails in a folder this user may not write, and otherwise leaves them behind owned by this user.
 * While there is no -wal (or -journal) file, no connection is writing and the database file
 * holds every committed transaction: then its bytes are read into memory, retried if the file
 * changed during the read, with the header's journal mode (bytes 18-19) switched from WAL to
 * rollback, which an in-memory database needs. A database that is being written is read through a
 * read-only connection, which uses the writer's -wal and -shm files.
 */
function openForReading(path: string): Database {
  const inUse = () => existsSync(`${path}-wal`) || existsSync(`${path}-journal`);
  for (let attempt = 0; attempt < 3 && !inUse(); attempt++) {
    const before = statSync(path);
    const image = readFileSync(path);
    const after = statSync(path);
    if (inUse() || before.mtimeMs !== after.mtimeMs || before.size !== after.size) continue;
    if (image.length >= 20 && image[18] === 2 && image[19] === 2) image.fill(1, 18, 20);
    return new BetterSqlite3(image, { readonly: true });
  }
  return new BetterSqlite3(path, { readonly: true, fileMustExist: true });
}

function needsMigration(path: string, version: number, latest: number): OomCheckError {
  const state = version === 0 ? 'has no oom-check schema yet' : `is at schema version ${version} but this oom-check reads version ${latest}`;
  return new OomCheckError(ErrorCode.DatabaseNeedsMigration, `oom-check: the database ${path} ${state}: run oom-check migrate, then run the command again`);
}

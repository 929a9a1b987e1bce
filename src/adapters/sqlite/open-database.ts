import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrationsDir } from '../../paths.js';
import { migrate, type Migration } from './migrate.js';

export interface OpenedDatabase {
  db: Database;
  /** Migrations applied by this open, oldest first. */
  applied: Migration[];
}

/**
 * Opens (creating if needed) the database and brings its schema up to date. WAL lets readers
 * (exports, /readyz) run beside the writer; the busy timeout rides out a second process's write.
 */
export function openDatabase(path: string, options: { migrations?: string } = {}): OpenedDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const applied = migrate(db, options.migrations ?? migrationsDir);
    return { db, applied };
  } catch (error) {
    db.close();
    throw error;
  }
}

import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { NewAuditEntry } from '../../core/audit.js';
import { SqliteAuditLog } from './sqlite-audit-log.js';

/**
 * Appends one audit row to the database at `path` without migrating or creating anything: a
 * command that only reads (export, audit) still leaves its row. Returns null once written, or
 * why not: no database (nothing ran against one), a schema without the audit table (run oom-check
 * migrate), a file this user may not write, a lock held too long.
 */
export function appendAuditRow(path: string, entry: NewAuditEntry): string | null {
  if (path === ':memory:' || !existsSync(path)) return null;
  try {
    // The write-ahead log beside the file needs the folder writable too.
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
  } catch {
    return `the database ${path} is read-only for this user`;
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    if (!table) return `the database ${path} has no audit log yet: run oom-check migrate`;
    new SqliteAuditLog(db).record(entry);
    return null;
  } catch (error) {
    return `the database ${path} could not be written (${(error as Error).message})`;
  } finally {
    db?.close();
  }
}

import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { fixedIncident } from '../core/postmortem/sample-incidents.js';
import { newIncident } from '../store/incident-store-contract.js';

/** A migrated database at `path` holding one incident with the sample timeline; returns its id. */
export function seedDatabase(path: string): number {
  const store = new SqliteIncidentStore(openDatabase(path).db);
  const { incident } = store.openIncident(newIncident());
  store.appendMany(fixedIncident.events.slice(1).map(({ at, kind, actor, step, data }) => ({ incidentId: incident.id, at, kind, actor, step, data })));
  store.close();
  return incident.id;
}

/** `PRAGMA integrity_check` of the database at `path`, read-only: "ok" when it is intact. */
export function integrityOf(path: string): string {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

/**
 * Every row of every table but the audit log, read-only: what a command that only reads (export)
 * must leave as it was. Its own audit row is the one change it makes.
 */
export function contentOf(path: string): string {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', 'sqlite_sequence') ORDER BY name").all() as Array<{ name: string }>;
    return JSON.stringify(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
  } finally {
    db.close();
  }
}

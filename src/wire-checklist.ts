import type { Database } from 'better-sqlite3';
import { openDatabase } from './adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from './adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from './adapters/sqlite/sqlite-run-store.js';
import type { Clock, Cluster, Logger } from './core/ports.js';
import type { RunObserver } from './core/run.js';
import { Runner } from './runbook/runner.js';

export interface WiredChecklist {
  db: Database;
  incidents: SqliteIncidentStore;
  runs: SqliteRunStore;
  cluster: Cluster;
  runner: Runner;
  clock: Clock;
  /** Stops the runner, waits for steps in flight to reach a persisted state, closes the database. */
  close(): Promise<void>;
}

/** The composition of the checklist: SQLite stores, a cluster and the runner. */
export function wireChecklist(options: {
  dbPath: string;
  cluster: Cluster;
  clock: Clock;
  log: Logger;
  observers?: RunObserver[];
  mayClose?: (incidentId: number) => boolean;
}): WiredChecklist {
  const { db } = openDatabase(options.dbPath);
  const incidents = new SqliteIncidentStore(db);
  const runs = new SqliteRunStore(db, incidents);
  const { cluster } = options;
  const runner = new Runner({ incidents, runs, cluster, clock: options.clock, log: options.log, observers: options.observers ?? [], ...(options.mayClose ? { mayClose: options.mayClose } : {}) });
  return {
    db,
    incidents,
    runs,
    cluster,
    runner,
    clock: options.clock,
    close: async () => {
      runner.stop();
      await runner.idle();
      incidents.close();
    },
  };
}

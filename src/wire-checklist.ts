import type { KubeConfig } from '@kubernetes/client-node';
import type { Database } from 'better-sqlite3';
import { KubeCluster } from './adapters/k8s/kube-cluster.js';
import { openDatabase } from './adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from './adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from './adapters/sqlite/sqlite-run-store.js';
import type { Clock, Logger } from './core/ports.js';
import type { RunObserver } from './core/run.js';
import { Runner } from './runbook/runner.js';

export interface WiredChecklist {
  db: Database;
  incidents: SqliteIncidentStore;
  runs: SqliteRunStore;
  cluster: KubeCluster;
  runner: Runner;
  clock: Clock;
  /** Stops the runner, waits for steps in flight to reach a persisted state, closes the database. */
  close(): Promise<void>;
}

/** The composition of the checklist: SQLite stores, the client-node cluster and the runner. */
export function wireChecklist(options: {
  dbPath: string;
  kubeConfig: KubeConfig;
  clock: Clock;
  log: Logger;
  observers?: RunObserver[];
  mayClose?: (incidentId: number) => boolean;
}): WiredChecklist {
  const { db } = openDatabase(options.dbPath);
  const incidents = new SqliteIncidentStore(db);
  const runs = new SqliteRunStore(db, incidents);
  const cluster = new KubeCluster(options.kubeConfig);
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

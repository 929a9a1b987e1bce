import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from 'better-sqlite3';
import { openDatabase } from './adapters/sqlite/open-database.js';
import { SqliteAlertStore } from './adapters/sqlite/sqlite-alert-store.js';
import { SqliteIncidentStore } from './adapters/sqlite/sqlite-incident-store.js';
import { SqliteAuditLog } from './adapters/sqlite/sqlite-audit-log.js';
import { SqlitePolicyHistory } from './adapters/sqlite/sqlite-policy-history.js';
import type { PolicyFile } from './core/policy/policy-schema.js';
import { SqliteRunStore } from './adapters/sqlite/sqlite-run-store.js';
import { Clusters } from './core/clusters.js';
import type { Clock, Cluster, IncidentListener, Leadership, Logger } from './core/ports.js';
import { ALWAYS_LEADS, guardWrites } from './runbook/guard-writes.js';
import { shareWideReads } from './runbook/share-wide-reads.js';
import type { RunObserver } from './core/run.js';
import { CHECKLIST_STEPS, type ChecklistSteps } from './runbook/checklist-steps.js';
import { PolicyGate } from './runbook/policy-gate.js';
import { approveStep } from './runbook/steps/approve-step.js';
import { Lifecycle } from './runbook/lifecycle.js';
import { DEFAULT_CLAIM_TTL_MS, RunClaims } from './runbook/run-claims.js';
import { RunReporter } from './runbook/run-reporter.js';
import { Runner } from './runbook/runner.js';

export interface WiredChecklist {
  db: Database;
  incidents: SqliteIncidentStore;
  runs: SqliteRunStore;
  alerts: SqliteAlertStore;
  /** Every command and click (Slack, the CLI), append-only. */
  audit: SqliteAuditLog;
  /** Every cluster by name, each write checked against `leadership`. */
  clusters: Clusters;
  leadership: Leadership;
  runner: Runner;
  lifecycle: Lifecycle;
  claims: RunClaims;
  clock: Clock;
  log: Logger;
  /** Stops the runner, waits for steps in flight to reach a persisted state, closes the database. */
  close(): Promise<void>;
}

/** How this process names itself to others that find a run it holds. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * A claim's owner on this very host whose pid no longer exists: a run killed with SIGKILL (or a
 * crashed bot) is taken over at once by the next process, not when its claim expires. Another
 * host's process, or a pid that answers, counts as alive.
 */
export function ownerIsGone(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The composition of the checklist: SQLite stores, the clusters, the lifecycle and the runner. */
export function wireChecklist(options: {
  dbPath: string;
  /** The clusters to act on: one, or several by name (OOM_CHECK_CLUSTERS). */
  cluster: Cluster | readonly Cluster[];
  /** Which clusters this process may act on now (the Leases); one process alone leads them all. */
  leadership?: Leadership;
  clock: Clock;
  log: Logger;
  observers?: RunObserver[];
  /** Told of incidents opened and closed; the array may grow after wiring. */
  incidentListeners?: IncidentListener[];
  steps?: ChecklistSteps;
  claimTtlMs?: number;
  /** How this process names itself in run claims (and Leases); a fresh processOwner() by default. */
  owner?: string;
  /**
   * How long a write waits for another process's lock. The bot keeps it short: better-sqlite3
   * waits synchronously, so a long wait would freeze the whole process (health checks included).
   */
  busyTimeoutMs?: number;
  /** Self-heal policies (OOM_CHECK_POLICIES): the approve step asks them first. None: a person decides. */
  policies?: PolicyFile | null;
}): WiredChecklist {
  const { db } = openDatabase(options.dbPath);
  if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
  const incidents = new SqliteIncidentStore(db, options.incidentListeners ?? []);
  const runs = new SqliteRunStore(db, incidents);
  const alerts = new SqliteAlertStore(db);
  const { clock, log } = options;
  const leadership = options.leadership ?? ALWAYS_LEADS;
  const clusters = new Clusters((Array.isArray(options.cluster) ? options.cluster : [options.cluster as Cluster]).map((cluster) => guardWrites(shareWideReads(cluster), leadership)));
  const reporter = new RunReporter({ clock, log, observers: options.observers ?? [] });
  const claims = new RunClaims(runs, clock, { owner: options.owner ?? processOwner(), ttlMs: options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS, isGone: ownerIsGone });
  const firingAlerts = (incidentId: number) => alerts.firingFingerprints(incidentId).length;
  const lifecycle = new Lifecycle({ incidents, runs, clusters, clock, log, reporter, claims, firingAlerts });
  const gate = options.policies ? new PolicyGate({ file: options.policies, history: new SqlitePolicyHistory(db), clusters }) : null;
  const steps = gate ? { ...(options.steps ?? CHECKLIST_STEPS), approve: approveStep(gate) } : options.steps;
  const runner = new Runner({ incidents, runs, clusters, leadership, clock, log, reporter, claims, lifecycle, ...(steps ? { steps } : {}) });
  return {
    db,
    incidents,
    runs,
    alerts,
    audit: new SqliteAuditLog(db),
    clusters,
    leadership,
    runner,
    lifecycle,
    claims,
    clock,
    log,
    close: async () => {
      runner.stop();
      await runner.idle();
      incidents.close();
    },
  };
}

import { oomKilledPod, podOf } from '../support/sim-pods.js';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/sqlite-run-store.js';
import type { Pod } from '../../src/core/k8s-types.js';
import { systemClock } from '../../src/core/ports.js';
import type { RunUpdate } from '../../src/core/run.js';
import { runbooksDir } from '../../src/paths.js';
import { loadRunbook } from '../../src/runbook/load-runbook.js';
import { Runner } from '../../src/runbook/runner.js';
import type { Runbook } from '../../src/runbook/runbook-schema.js';
import { startIncident } from '../../src/runbook/start-incident.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';

export const GiB = 1024 ** 3;

export interface Harness {
  sim: Simulator;
  cluster: KubeCluster;
  incidents: SqliteIncidentStore;
  runs: SqliteRunStore;
  runner: Runner;
  runbook: Runbook;
  updates: RunUpdate[];
  start(namespace: string, pod: string): ReturnType<typeof startIncident>;
  /** The name of the first pod whose name starts with `prefix` once `ready(pod)` holds (default: it exists). */
  podOf(namespace: string, prefix: string, ready?: (pod: Pod) => boolean): Promise<string>;
  /** A pod of the workload after its init container was OOMKilled at least once. */
  oomKilledPod(namespace: string, prefix: string): Promise<string>;
  close(): Promise<void>;
}

/** The whole checklist over real HTTP: simulator, client-node adapter, SQLite in memory. */
export async function startHarness(scenario: string, tweak: (runbook: Runbook) => void = () => {}): Promise<Harness> {
  const sim = await startSimulator({ scenario, timeScale: 0.001 });
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeconfig());
  const cluster = new KubeCluster(kc);
  const { db } = openDatabase(':memory:');
  const incidents = new SqliteIncidentStore(db);
  const runs = new SqliteRunStore(db, incidents);
  const updates: RunUpdate[] = [];
  const log = pino({ level: 'silent' });
  const runner = new Runner({ incidents, runs, cluster, clock: systemClock, log, observers: [{ onUpdate: (update) => updates.push(update) }] });
  const runbook = structuredClone(loadRunbook(join(runbooksDir, 'oom-initcontainer.yaml')));
  runbook.steps.wait.timeoutSeconds = 20;
  runbook.steps.health.timeoutSeconds = 5;
  tweak(runbook);
  return {
    sim,
    cluster,
    incidents,
    runs,
    runner,
    runbook,
    updates,
    start: (namespace, pod) =>
      startIncident({ incidents, runs, cluster, clock: systemClock }, { namespace, pod, trigger: 'cli', actor: 'cli:tester', runbook, maxLimitBytes: 4 * GiB, allowedNamespaces: [] }),
    podOf: (namespace, prefix, ready) => podOf(sim, namespace, prefix, ready),
    oomKilledPod: (namespace, prefix) => oomKilledPod(sim, namespace, prefix),
    close: async () => {
      runner.stop();
      await runner.idle();
      incidents.close();
      await sim.close();
    },
  };
}

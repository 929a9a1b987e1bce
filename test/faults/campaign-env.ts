import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import type { TimelineEvent } from '../../src/core/timeline.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { oomKilledPod } from '../support/sim-pods.js';

/**
 * One try of the fault campaign: a fresh simulator on `health-failing` (the fix applies but does
 * not verify, so rollback stays on offer), the fault proxy in front of it, a kubeconfig that goes
 * through the proxy, a database, and a runbook with short waits.
 */
export interface CampaignTry {
  dir: string;
  sim: Simulator;
  proxy: FaultProxy;
  /** The OOMKilled pod of Deployment shop/inventory. */
  pod: string;
  env: NodeJS.ProcessEnv;
  /** Reads the database as it is now: the incident's timeline and PRAGMA integrity_check. */
  inspect(): { timeline: TimelineEvent[]; integrity: string; incidentId: number | null };
  /** The limit of initContainer migrate in the Deployment's template now. */
  limit(): string | undefined;
  close(): Promise<void>;
}

export async function startCampaignTry(options: { apiTimeout?: string } = {}): Promise<CampaignTry> {
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-fault-'));
  const sim = await startSimulator({ scenario: 'health-failing', timeScale: 0.001 });
  const proxy = await startFaultProxy(sim.url);
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml().replaceAll(sim.url, proxy.url));
  const runbook = defaultRunbook((r) => {
    r.steps.health.timeoutSeconds = 1;
    r.steps.wait.timeoutSeconds = 20;
  });
  writeFileSync(join(dir, 'runbook.yaml'), stringify(runbook));
  const env = {
    OOM_CHECK_DB_PATH: join(dir, 'oom-check.db'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    OOM_CHECK_RUNBOOK: join(dir, 'runbook.yaml'),
    OOM_CHECK_API_TIMEOUT: options.apiTimeout ?? '3s',
    LOG_LEVEL: 'silent',
  };
  const pod = await oomKilledPod(sim, 'shop', 'inventory-');
  return {
    dir,
    sim,
    proxy,
    pod,
    env,
    inspect: () => {
      const { db } = openDatabase(env.OOM_CHECK_DB_PATH);
      try {
        const store = new SqliteIncidentStore(db);
        const incident = store.listIncidents()[0];
        return { timeline: incident ? store.timeline(incident.id) : [], integrity: String(db.pragma('integrity_check', { simple: true })), incidentId: incident?.id ?? null };
      } finally {
        db.close();
      }
    },
    limit: () => {
      const workload = sim.getObject('Deployment', 'shop', 'inventory') as unknown as { spec: { template: { spec: { initContainers: Array<{ name: string; resources?: { limits?: { memory?: string } } }> } } } };
      return workload.spec.template.spec.initContainers.find((c) => c.name === 'migrate')?.resources?.limits?.memory;
    },
    close: async () => {
      await proxy.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

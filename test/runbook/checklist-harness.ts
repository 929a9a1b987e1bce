import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import type { Pod } from '../../src/core/k8s-types.js';
import type { Clock, Cluster } from '../../src/core/ports.js';
import type { RunUpdate } from '../../src/core/run.js';
import type { Runbook } from '../../src/core/runbook-schema.js';
import type { ChecklistSteps } from '../../src/runbook/checklist-steps.js';
import { startIncident } from '../../src/runbook/start-incident.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { wireChecklist, type WiredChecklist } from '../../src/wire-checklist.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { oomKilledPod, podOf } from '../support/sim-pods.js';

export const GiB = 1024 ** 3;

export interface Harness extends Omit<WiredChecklist, 'cluster'> {
  sim: Simulator;
  cluster: KubeCluster;
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
export async function startHarness(
  scenario: string,
  tweak: (runbook: Runbook) => void = () => {},
  options: { clock?: Clock; /** Wraps the cluster the checklist uses (fault injection); `h.cluster` stays the real one. */ cluster?: (real: Cluster) => Cluster; steps?: ChecklistSteps } = {},
): Promise<Harness> {
  const sim = await startSimulator({ scenario, timeScale: 0.001 });
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeconfig());
  const cluster = new KubeCluster(kc);
  const updates: RunUpdate[] = [];
  const clock = options.clock ?? systemClock;
  const checklist = wireChecklist({ dbPath: ':memory:', cluster: options.cluster?.(cluster) ?? cluster, clock, log: pino({ level: 'silent' }), observers: [{ onUpdate: (update) => updates.push(update) }], ...(options.steps ? { steps: options.steps } : {}) });
  const runbook = defaultRunbook((runbook) => {
    runbook.steps.wait.timeoutSeconds = 20;
    runbook.steps.health.timeoutSeconds = 5;
    tweak(runbook);
  });
  return {
    ...checklist,
    sim,
    cluster,
    runbook,
    updates,
    start: (namespace, pod) =>
      startIncident(checklist, { namespace, pod, trigger: 'cli', actor: 'cli:tester', runbook, maxLimitBytes: 4 * GiB, allowedNamespaces: [] }),
    podOf: (namespace, prefix, ready) => podOf(sim, namespace, prefix, ready),
    oomKilledPod: (namespace, prefix) => oomKilledPod(sim, namespace, prefix),
    close: async () => {
      await checklist.close();
      await sim.close();
    },
  };
}

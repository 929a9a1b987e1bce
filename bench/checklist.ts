/**
 * Bot-side overhead of a whole checklist run: the simulator runs the seed scenario with its
 * clock scaled to ~zero, so what is timed is oom-check's own work (HTTP to the API server,
 * rules, SQLite transitions, timeline rows), per step and in total. Median and worst of RUNS.
 * Run: npm run bench:checklist
 */
import { oomKilledPod } from '../test/support/sim-pods.js';
import { KubeCluster } from '../src/adapters/k8s/kube-cluster.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { systemClock } from '../src/adapters/clock/system-clock.js';
import { STEP_NAMES } from '../src/core/run.js';
import { runbooksDir } from '../src/paths.js';
import { loadRunbook } from '../src/runbook/load-runbook.js';
import { startIncident } from '../src/runbook/start-incident.js';
import { startSimulator } from '../src/sim/start-simulator.js';
import { wireChecklist } from '../src/wire-checklist.js';

const RUNS = 30;
const TIME_SCALE = 1e-6;
const runbook = loadRunbook(join(runbooksDir, 'oom-initcontainer.yaml'));
const samples: Record<string, number[]> = Object.fromEntries([...STEP_NAMES, 'open incident', 'total'].map((name) => [name, []]));

for (let i = 0; i < RUNS; i++) {
  const sim = await startSimulator({ scenario: 'seed-oom', timeScale: TIME_SCALE });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(sim.kubeconfig());
  const checklist = wireChecklist({ dbPath: ':memory:', cluster: new KubeCluster(kubeConfig), clock: systemClock, log: pino({ level: 'silent' }) });
  const pod = await oomKilledPod(sim, 'shop');

  const start = performance.now();
  const { incident } = await startIncident(checklist, {
    namespace: 'shop', pod, trigger: 'cli', actor: 'bench', runbook, maxLimitBytes: 4 * 1024 ** 3, allowedNamespaces: [],
  });
  samples['open incident']!.push(performance.now() - start);
  await checklist.runner.advance(incident.id);
  checklist.lifecycle.decide(incident.id, { actor: 'bench', decision: 'approve' });
  const run = await checklist.runner.advance(incident.id);
  samples.total!.push(performance.now() - start);
  if (run.verdict !== 'fixed') throw new Error(`run ${i} ended ${run.verdict}`);
  for (const step of run.steps) {
    if (step.startedAt && step.finishedAt && step.step !== 'approve') samples[step.step]!.push(Date.parse(step.finishedAt) - Date.parse(step.startedAt));
  }
  await checklist.close();
  await sim.close();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
console.log(`checklist overhead over ${RUNS} runs (simulator time scale ${TIME_SCALE}; node ${process.version})`);
console.log(`${'step'.padEnd(16)}${'median ms'.padStart(10)}${'max ms'.padStart(10)}`);
for (const [name, values] of Object.entries(samples)) {
  if (values.length === 0) continue;
  console.log(`${name.padEnd(16)}${median(values).toFixed(1).padStart(10)}${Math.max(...values).toFixed(1).padStart(10)}`);
}
console.log('(per-step figures come from the run\'s own timestamps, to the millisecond; approve is the gate, not work)');

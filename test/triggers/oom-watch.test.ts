import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import type { Cluster } from '../../src/core/ports.js';
import type { Pod } from '../../src/sim/k8s-types.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { OomWatch } from '../../src/triggers/oom-watch.js';
import { wireChecklist } from '../../src/wire-checklist.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';

const log = pino({ level: 'silent' });

function watchOn(cluster: Cluster) {
  const checklist = wireChecklist({ dbPath: ':memory:', cluster, clock: systemClock, log });
  const opened: Array<{ id: number; at: number }> = [];
  const relists: string[] = [];
  const watch = new OomWatch({
    ...checklist,
    runbook: defaultRunbook(),
    maxLimitBytes: 4 * 1024 ** 3,
    allowedNamespaces: ['shop'],
    onIncident: (id, created) => created && opened.push({ id, at: performance.now() }),
    onRelist: (reason, cause) => relists.push(`${cause}: ${reason}`),
  });
  const stop = new AbortController();
  const running = watch.run(stop.signal);
  return { checklist, watch, opened, relists, stop: async () => (stop.abort(), await running, await checklist.close()) };
}

describe('the watch, on the in-memory cluster', () => {
  test('a new OOM kill opens one incident (trigger watch); the same kill seen again, or a covered pod, opens none', async () => {
    const cluster = new FakeCluster();
    const w = watchOn(cluster);
    const pod = oomKilledPod('shop', 'checkout-5f6d7c8b9-aaaaa', 'checkout');
    cluster.change(pod);
    await waitUntil(() => w.opened.length === 1);
    expect(w.checklist.incidents.getIncident(w.opened[0]!.id)).toMatchObject({ trigger: 'watch', pod: 'checkout-5f6d7c8b9-aaaaa', owner: { kind: 'Deployment', name: 'checkout' } });
    cluster.change(structuredClone(pod));
    const again = structuredClone(pod);
    again.status!.initContainerStatuses![0]!.restartCount = 4;
    again.status!.initContainerStatuses![0]!.lastState = { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2026-11-27T10:01:00Z' } };
    cluster.change(again);
    cluster.change(oomKilledPod('shop', 'checkout-5f6d7c8b9-bbbbb', 'checkout'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(w.opened).toHaveLength(1);
    expect(w.watch.remembered).toBe(2);
    await w.stop();
  });
});

describe('the watch over the simulator', () => {
  let sim: Simulator;
  let proxy: FaultProxy;
  afterEach(async () => {
    await proxy.close();
    await sim.close();
  });

  async function setUp(firstWatch: Fault) {
    // Slow enough that the first kill comes after the watch has started.
    sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.2 });
    proxy = await startFaultProxy(sim.url);
    let watches = 0;
    proxy.rule((request) => (request.watch && ++watches === 1 ? firstWatch : 'pass'));
    const kc = new KubeConfig();
    kc.loadFromOptions(sim.kubeconfig());
    kc.clusters[0] = { ...kc.clusters[0]!, server: proxy.url };
    return watchOn(new KubeCluster(kc, { requestMs: 2_000, watchIdleMs: 6_000 }));
  }

  /** When the simulator first shows the seed pod's init container OOMKilled, in this process's clock. */
  async function killSeen(): Promise<number> {
    const killed = () => (sim.listObjects('Pod', 'shop') as unknown as Pod[]).some((pod) => pod.status.initContainerStatuses?.some((s) => s.state.terminated?.reason === 'OOMKilled' || s.lastState.terminated?.reason === 'OOMKilled'));
    await sim.waitFor(killed, 30_000, 'the first OOM kill');
    return performance.now();
  }

  test.each<[string, Fault, RegExp | null]>([
    ['a healthy watch', 'pass', null],
    ['a first watch the server cut', 'reset', /^dropped: the watch failed/],
    ['a first watch whose resourceVersion expired (410)', { respond: { status: 200, body: '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410}}\n' } }, /^expired: resourceVersion expired \(410\)/],
  ])('%s: the kill opens its incident within a second', async (_case, firstWatch, relisted) => {
    const w = await setUp(firstWatch);
    const killedAt = await killSeen();
    await waitUntil(() => w.opened.length > 0, 10_000);
    expect(w.opened[0]!.at - killedAt).toBeLessThan(1_000);
    expect(w.checklist.incidents.getIncident(w.opened[0]!.id)?.trigger).toBe('watch');
    if (relisted) expect(w.relists).toEqual(expect.arrayContaining([expect.stringMatching(relisted)]));
    await w.stop();
  }, 40_000);
});

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The watch's list (KubeCluster.followPods) hands on pods as the API server wrote them, as the
 * watch's events do: a kill is named by its finish time (oomKillsOf), so a kill first seen in a
 * list and then in an event must carry the same time string, or it looks like a new kill.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../../../src/adapters/k8s/kube-cluster.js';
import type { Pod } from '../../../src/core/k8s-types.js';
import { oomKillsOf } from '../../../src/core/rules/oom-kills-of.js';
import { startSimulator, type Simulator } from '../../../src/sim/start-simulator.js';
import { oomKilledPod } from '../../support/sim-pods.js';

let sim: Simulator;
afterEach(() => sim.close());

/** RFC 3339 to the second, as the API server (and the simulator) writes times. */
const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

test('listed pods keep the API server\'s time strings, as watch events do: one kill, one name', async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  const name = await oomKilledPod(sim, 'shop', 'checkout-');
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeconfig());
  const stop = new AbortController();
  const changes: Array<{ type: string; pods: Pod[] }> = [];
  const followed = new KubeCluster(kc).followPods('shop', (change) => {
    changes.push(change.type === 'RELISTED' ? { type: change.type, pods: change.pods } : { type: change.type, pods: [change.pod] });
    // The list, then an event of the killed pod (it keeps restarting): enough to compare.
    if (changes.some((c) => c.type === 'MODIFIED' && c.pods[0]?.metadata.name === name)) stop.abort();
  }, stop.signal);
  await followed;
  const listed = changes[0]!.pods.find((pod) => pod.metadata.name === name)!;
  const watched = changes.filter((c) => c.type === 'MODIFIED').at(-1)!.pods[0]!;
  for (const pod of [listed, watched]) {
    expect(pod.metadata.creationTimestamp).toMatch(SECONDS);
    expect(oomKillsOf(pod).length).toBeGreaterThan(0);
    for (const kill of oomKillsOf(pod)) expect(kill.split('@')[1]).toMatch(SECONDS);
  }
});

/**
 * `copies` on a bare Pod: the cheap way to a large cluster (bench:watch-memory seeds 10,000 pods
 * with it). The copies must be pods like any other, listed and watched over HTTP, run by the
 * kubelet, and shaped exactly as the same pod created alone.
 */
import type { Pod } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call } from './helpers/api.js';
import { pollUntil } from './helpers/poll.js';

const scenario = (copies: string) => `
nodes: [node-a, node-b]
namespaces: [{ name: shop }, { name: billing }]
workloads:
  - kind: Pod
    name: api
    namespace: shop
    ${copies}
    labels: { app: api, tier: web }
    annotations: { team: checkout }
    initContainers:
      - { name: migrate, image: "registry.example.com/shop/migrate:1.0", limits: { memory: 64Mi }, peakMemory: 32Mi, runSeconds: 1 }
    containers:
      - { name: app, image: "registry.example.com/shop/api:1.0", limits: { memory: 128Mi }, peakMemory: 64Mi }
  - kind: Pod
    name: worker
    namespace: billing
    containers:
      - { name: app, image: "registry.example.com/billing/worker:2.1", peakMemory: 16Mi }
`;

let sim: Simulator;
afterEach(() => sim.close());

const start = async (copies: string) => {
  sim = await startSimulator({ scenario: parseScenario(scenario(copies), 'inline.yaml'), timeScale: 0.001 });
  return sim;
};

/** What differs between two pods made from the same template by design: identity, node, the token volume's random name, status. */
function shape(pod: Pod): unknown {
  const metadata = { ...pod.metadata };
  for (const field of ['name', 'uid', 'creationTimestamp', 'resourceVersion'] as const) delete metadata[field];
  const spec = structuredClone(pod.spec) as Pod['spec'] & { nodeName?: string };
  delete spec.nodeName;
  return JSON.parse(JSON.stringify({ ...pod, metadata, spec, status: undefined }).replace(/kube-api-access-\w{5}/g, 'kube-api-access-xxxxx'));
}

test('300 copies are listed over HTTP, named <name>-<i>, bound to the nodes in turn, and run by the kubelet', async () => {
  await start('copies: 300');
  const list = (await call(sim.url, 'GET', '/api/v1/namespaces/shop/pods')).json<{ items: Pod[] }>();
  expect(list.items).toHaveLength(300);
  const names = new Set(list.items.map((pod) => pod.metadata.name));
  expect(names).toEqual(new Set(Array.from({ length: 300 }, (_, i) => `api-${i}`)));
  const nodeOf = (name: string) => list.items.find((pod) => pod.metadata.name === name)?.spec.nodeName;
  expect([nodeOf('api-0'), nodeOf('api-1'), nodeOf('api-2')]).toEqual(['node-a', 'node-b', 'node-a']);
  // The other workloads are untouched: one worker, as without copies.
  expect((await call(sim.url, 'GET', '/api/v1/pods')).json<{ items: Pod[] }>().items).toHaveLength(301);
  // Polled, not sim.waitFor: that re-checks on every one of the thousands of changes the start makes.
  await pollUntil(async () => (sim.listObjects<Pod>('Pod', 'shop').every((pod) => pod.status.phase === 'Running') || undefined), 'every copy Running');
  const copy = sim.getObject<Pod>('Pod', 'shop', 'api-299')!;
  expect(copy.status.initContainerStatuses?.[0]?.state.terminated?.reason).toBe('Completed');
  expect(copy.status.containerStatuses?.[0]?.state.running).toBeDefined();
});

test('a copy is shaped exactly as the same pod created alone (labels, annotations, defaults, admission)', async () => {
  await start('');
  const alone = sim.getObject<Pod>('Pod', 'shop', 'api')!;
  await sim.close();
  await start('copies: 2');
  const copy = sim.getObject<Pod>('Pod', 'shop', 'api-1')!;
  expect(copy.spec.nodeName).toBe('node-b');
  expect(shape(copy)).toEqual(shape(alone));
});

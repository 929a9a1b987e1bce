import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { isClusterError } from '../../src/core/cluster-error.js';
import type { Pod } from '../../src/core/k8s-types.js';
import type { Cluster } from '../../src/core/ports.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { FakeCluster } from '../fakes/fake-cluster.js';

/** Three workloads over two namespaces, labelled so selectors have something to tell apart. */
const SCENARIO = parseScenario(
  `
namespaces: [{ name: shop }, { name: billing }]
workloads:
${[
  ['checkout', 'shop', 'web', 2],
  ['search', 'shop', 'backend', 1],
  ['invoices', 'billing', 'backend', 1],
]
  .map(
    ([name, namespace, tier, replicas]) => `
  - kind: Deployment
    name: ${name}
    namespace: ${namespace}
    labels: { app: ${name}, tier: ${tier} }
    replicas: ${replicas}
    containers:
      - { name: app, image: registry.example.com/${name}:1, limits: { memory: 64Mi }, peakMemory: 16Mi }`,
  )
  .join('')}
`,
  'contract.yaml',
);

interface Subject {
  cluster: Cluster;
  close(): Promise<void>;
}

/**
 * The Cluster port's contract, run against the client-node adapter over the simulator and against
 * the in-memory fake holding the same pods: a fake that answered differently would let tests pass
 * that the real adapter fails.
 */
describe.each([
  ['KubeCluster over the simulator', (sim: Simulator): Subject => {
    const kc = new KubeConfig();
    kc.loadFromOptions(sim.kubeconfig());
    return { cluster: new KubeCluster(kc), close: async () => undefined };
  }],
  ['FakeCluster', (sim: Simulator): Subject => ({ cluster: new FakeCluster().add(...(sim.listObjects('Pod') as unknown as Pod[])), close: async () => undefined })],
])('Cluster contract: %s', (_name, make) => {
  let sim: Simulator;
  let subject: Subject;
  let pods: Pod[];
  beforeAll(async () => {
    sim = await startSimulator({ scenario: SCENARIO, timeScale: 0.001 });
    await sim.waitFor(() => sim.listObjects('Pod').length === 4, 15_000, 'four pods');
    pods = sim.listObjects('Pod') as unknown as Pod[];
    subject = make(sim);
  });
  afterAll(async () => {
    await subject.close();
    await sim.close();
  });
  const names = (list: Pod[]) => list.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`).sort();
  const expected = (keep: (pod: Pod) => boolean) => names(pods.filter(keep));

  test('getPod answers the pod; an unknown one is NotFound', async () => {
    const pod = pods[0]!;
    expect((await subject.cluster.getPod(pod.metadata.namespace!, pod.metadata.name)).metadata).toMatchObject({ name: pod.metadata.name, labels: pod.metadata.labels });
    const error = await subject.cluster.getPod('shop', 'nope-123').catch((caught: unknown) => caught);
    expect(isClusterError(error, 'NotFound')).toBe(true);
  });

  test.each<[string, string | null, string, (pod: Pod) => boolean]>([
    ['one namespace, every pod', 'shop', '', (pod) => pod.metadata.namespace === 'shop'],
    ['equality', 'shop', 'app=checkout', (pod) => pod.metadata.labels?.app === 'checkout'],
    ['inequality', 'shop', 'app!=checkout', (pod) => pod.metadata.namespace === 'shop' && pod.metadata.labels?.app !== 'checkout'],
    ['set membership across namespaces', null, 'tier in (backend)', (pod) => pod.metadata.labels?.tier === 'backend'],
    ['two requirements', null, 'tier=backend,app!=search', (pod) => pod.metadata.labels?.app === 'invoices'],
    ['a label nobody has', 'shop', 'team=payments', () => false],
    ['another namespace does not leak in', 'billing', 'tier=web', () => false],
  ])('listPods: %s', async (_case, namespace, selector, keep) => {
    expect(names(await subject.cluster.listPods(namespace, selector))).toEqual(expected(keep));
  });

  test('findPodNamespaces looks only in the allowed namespaces', async () => {
    const invoice = pods.find((pod) => pod.metadata.labels?.app === 'invoices')!.metadata.name;
    expect(await subject.cluster.findPodNamespaces(invoice, [])).toEqual(['billing']);
    expect(await subject.cluster.findPodNamespaces(invoice, ['shop'])).toEqual([]);
    expect(await subject.cluster.findPodNamespaces('nope-123', [])).toEqual([]);
  });

  test('ping answers', async () => {
    await expect(subject.cluster.ping()).resolves.toBeUndefined();
  });
});

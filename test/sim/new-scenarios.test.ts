/**
 * The scenarios built for the next features, each run and read the way the product reads a
 * cluster: escalation (needs-300mi), a node too small for the fix (node-too-small), GitOps owners
 * (helm-, argocd-, flux-managed) and a slimmer image instead of more memory (quick-downgrade).
 * quota-nearly-used, liveness-137 and expvar-app have their own test files.
 */
import type { ContainerStatus, KubeEvent, Pod, Workload } from '../../src/sim/k8s-types.js';
import type { Node } from '../../src/sim/node-object.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { raiseInit, strategicPatch } from './helpers/api.js';
import { kubectlFor } from './helpers/kubectl.js';

let sim: Simulator;
afterEach(async () => sim.close());

const MiB = 1024 * 1024;
const live = (ns: string) => sim.listObjects<Pod>('Pod', ns).filter((p) => !p.metadata.deletionTimestamp);
const init = (p: Pod | undefined): ContainerStatus | undefined => p?.status.initContainerStatuses?.[0];
const killed = (p: Pod) => init(p)?.lastState.terminated?.reason === 'OOMKilled' || init(p)?.state.terminated?.reason === 'OOMKilled';
const initialized = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
const podWithLimit = (ns: string, limit: string) => live(ns).find((p) => p.spec.initContainers?.[0]?.resources?.limits?.memory === limit);

test('needs-300mi: OOMKilled at 64Mi, still at 256Mi and at 352Mi; 353Mi (>= 300Mi / 0.85) lets it finish', async () => {
  sim = await startSimulator({ scenario: 'needs-300mi', timeScale: 0.001 });
  const path = '/apis/apps/v1/namespaces/shop/deployments/ledger-import';
  expect(sim.scenario.workloads[0]?.initContainers[0]?.peakMemory).toBe(String(Math.ceil((300 * MiB) / 0.85)));
  await sim.waitFor(() => live('shop').some(killed), 10_000, 'the 64Mi pod killed');
  for (const limit of ['256Mi', '352Mi']) {
    expect((await strategicPatch(sim.url, path, raiseInit('import', limit))).status).toBe(200);
    await sim.waitFor(() => {
      const p = podWithLimit('shop', limit);
      return p !== undefined && killed(p);
    }, 20_000, `the ${limit} pod killed`);
  }
  expect((await strategicPatch(sim.url, path, raiseInit('import', '353Mi'))).status).toBe(200);
  await sim.waitFor(() => {
    const p = podWithLimit('shop', '353Mi');
    return p !== undefined && initialized(p);
  }, 20_000, 'the 353Mi pod initialized');
  expect(init(podWithLimit('shop', '353Mi'))?.state.terminated).toMatchObject({ reason: 'Completed', exitCode: 0 });
});

test('node-too-small: the Guaranteed pod with an init limit of 1100Mi does not fit the 1Gi node; the old pod keeps crash-looping', async () => {
  sim = await startSimulator({ scenario: 'node-too-small', timeScale: 0.001 });
  const node = sim.getObject<Node>('Node', undefined, 'small-node-1') as Node;
  expect([node.status.allocatable.memory, node.status.capacity.memory, node.status.allocatable.cpu]).toEqual(['1Gi', '1124Mi', '2']);
  await sim.waitFor(() => live('search').some(killed), 10_000, 'the first kill');
  expect(live('search')[0]?.status.qosClass).toBe('Guaranteed');
  const patch = { spec: { template: { spec: { initContainers: [{ name: 'build-index', resources: { requests: { memory: '1100Mi' }, limits: { memory: '1100Mi' } } }] } } } };
  expect((await strategicPatch(sim.url, '/apis/apps/v1/namespaces/search/deployments/reindex', patch)).status).toBe(200);
  await sim.waitFor(() => sim.listObjects<KubeEvent>('Event', 'search').some((e) => e.reason === 'FailedScheduling'), 10_000, 'FailedScheduling');
  const pending = podWithLimit('search', '1100Mi') as Pod;
  expect(pending.status.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
    status: 'False',
    reason: 'Unschedulable',
    message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  });
  expect(pending.status.qosClass).toBe('Guaranteed');
  expect(live('search').filter((p) => p.spec.nodeName === 'small-node-1' && killed(p))).toHaveLength(1);
});

test.each<[string, Record<string, string>, Record<string, string>]>([
  ['helm-managed', { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'checkout' }, { 'meta.helm.sh/release-name': 'checkout', 'meta.helm.sh/release-namespace': 'shop' }],
  ['argocd-managed', { 'argocd.argoproj.io/instance': 'shop-checkout' }, { 'argocd.argoproj.io/tracking-id': 'shop-checkout:apps/Deployment:shop/checkout' }],
  ['flux-managed', { 'kustomize.toolkit.fluxcd.io/name': 'shop', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' }, {}],
])('%s: the owner marks on the Deployment (not on its selector), the seed\'s OOM kill underneath', async (scenario, labels, annotations) => {
  sim = await startSimulator({ scenario, timeScale: 0.001 });
  const kubectl = await kubectlFor(sim.url);
  try {
    const d = await kubectl.json<Workload>(['get', 'deployment', 'checkout', '-n', 'shop']);
    expect(d.metadata.labels).toMatchObject(labels);
    expect(d.metadata.annotations ?? {}).toMatchObject(annotations);
    const [marker] = Object.keys(labels).filter((k) => k !== 'app.kubernetes.io/instance');
    expect(Object.keys(d.spec.selector.matchLabels ?? {})).not.toContain(marker);
    await sim.waitFor(() => live('shop').some(killed), 10_000, 'the OOM kill');
  } finally {
    await kubectl.cleanup();
  }
});

test('quick-downgrade: switching the init image to the slim digest, limit unchanged, lets it finish; the node lists both images with their sizes', async () => {
  const slim = 'registry.example.com/shop/checkout-migrate-slim@sha256:69223baaaa751a5cf5fcbd0dfc19b4eb7a982f249451de360c6033d7225be8d2';
  sim = await startSimulator({ scenario: 'quick-downgrade', timeScale: 0.001 });
  await sim.waitFor(() => live('shop').some(killed), 10_000, 'the fat image OOMKilled');
  const patch = { spec: { template: { spec: { initContainers: [{ name: 'migrate', image: slim }] } } } };
  expect((await strategicPatch(sim.url, '/apis/apps/v1/namespaces/shop/deployments/checkout', patch)).status).toBe(200);
  await sim.waitFor(() => live('shop').some((p) => p.spec.initContainers?.[0]?.image === slim && initialized(p)), 20_000, 'the slim pod initialized');
  const pod = live('shop').find((p) => p.spec.initContainers?.[0]?.image === slim) as Pod;
  expect(pod.spec.initContainers?.[0]?.resources?.limits?.memory).toBe('64Mi');
  expect(init(pod)).toMatchObject({ image: slim, imageID: slim, state: { terminated: { reason: 'Completed', exitCode: 0 } } });
  const images = sim.getObject<Node>('Node', undefined, 'sim-node-1')?.status.images ?? [];
  const slimImage = images.find((i) => i.names.includes(slim));
  expect(slimImage).toEqual({ names: [slim], sizeBytes: 11534336 });
  expect(slimImage?.sizeBytes).toBeLessThanOrEqual(12_000_000);
  expect(images.find((i) => i.names.includes('registry.example.com/shop/checkout-migrate:1.4.2'))).toEqual({
    names: ['registry.example.com/shop/checkout-migrate@sha256:7fc03d4f355f9b63679b7843031b3c930317395a18e5b0a0a7aa5be5800e5322', 'registry.example.com/shop/checkout-migrate:1.4.2'],
    sizeBytes: 152043520,
  });
});

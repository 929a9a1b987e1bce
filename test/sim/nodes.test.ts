/**
 * Nodes as objects (the kubelet's node status setters) and the scheduler's resource fit
 * (NodeResourcesFit, FitError): what `kubectl get nodes` prints, what a Node says about its
 * capacity, allocatable and images, and a pod that fits nowhere staying Pending with the real
 * scheduler's FailedScheduling wording, scheduled once room appears.
 */
import type { KubeEvent, Pod, PodSpec } from '../../src/sim/k8s-types.js';
import type { Node } from '../../src/sim/node-object.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { podRequests } from '../../src/sim/pod-resources.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call } from './helpers/api.js';
import { kubectlFor, type Kubectl } from './helpers/kubectl.js';
import { readWatch } from './helpers/watch.js';

let sim: Simulator;
let kubectl: Kubectl | undefined;
afterEach(async () => {
  await sim.close();
  await kubectl?.cleanup();
  kubectl = undefined;
});

const start = async (text: string) => {
  sim = await startSimulator({ scenario: parseScenario(text, 'inline.yaml'), timeScale: 0.001 });
  return sim;
};

const NO_FIT = '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

test('kubectl get nodes: the Table row, and wide columns from nodeInfo and addresses', async () => {
  sim = await startSimulator({ scenario: 'daemonset', timeScale: 0.001 });
  kubectl = await kubectlFor(sim.url);
  const plain = await kubectl.run(['get', 'nodes']);
  expect(plain.stderr).toBe('');
  const rows = plain.stdout.trim().split('\n');
  expect(rows[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
  expect(rows.slice(1).map((r) => r.split(/\s+/).filter((_, i) => i !== 3))).toEqual([
    ['sim-node-1', 'Ready', '<none>', 'v1.32.4'],
    ['sim-node-2', 'Ready', '<none>', 'v1.32.4'],
  ]);
  const wide = await kubectl.run(['get', 'node', 'sim-node-2', '-o', 'wide']);
  expect(wide.stdout).toMatch(/sim-node-2\s+Ready\s+<none>\s+\S+\s+v1\.32\.4\s+10\.0\.0\.11\s+<none>\s+Debian GNU\/Linux 12 \(bookworm\)\s+6\.1\.0-28-cloud-amd64\s+containerd:\/\/1\.7\.24/);
  const described = await kubectl.run(['describe', 'node', 'sim-node-1']);
  expect(described.code).toBe(0);
  expect(described.stdout).toMatch(/Allocatable:\n\s+cpu:\s+4\n\s+ephemeral-storage:\s+\d+\n\s+memory:\s+8Gi\n\s+pods:\s+110/);
});

test('a Node: capacity = allocatable + the 100Mi eviction threshold, Ready, and the images its pods run (repo@digest, repo:tag, size)', async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  await sim.waitFor(() => (sim.getObject<Node>('Node', undefined, 'sim-node-1')?.status.images?.length ?? 0) >= 2, 10_000, 'two images on the node');
  const node = (await call(sim.url, 'GET', '/api/v1/nodes/sim-node-1')).json<Node>();
  expect(node).toMatchObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'sim-node-1', labels: { 'kubernetes.io/hostname': 'sim-node-1', 'kubernetes.io/os': 'linux' } } });
  expect(node.status.capacity).toMatchObject({ memory: '8292Mi', cpu: '4', pods: '110' });
  expect(node.status.allocatable).toMatchObject({ memory: '8Gi', cpu: '4', pods: '110' });
  expect((node.status.conditions as Array<{ type: string; status: string; reason: string }>).find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
  const migrate = node.status.images?.find((i) => i.names.includes('registry.example.com/shop/checkout-migrate:1.4.2'));
  // The seed states no size: it is the sum of the layers its image-info lists.
  expect(migrate).toEqual({ names: [expect.stringMatching(/^registry\.example\.com\/shop\/checkout-migrate@sha256:[0-9a-f]{64}$/), 'registry.example.com/shop/checkout-migrate:1.4.2'], sizeBytes: 7340032 + 144703488 });
  const sizes = node.status.images?.map((i) => i.sizeBytes) ?? [];
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));

  const discovery = (await call(sim.url, 'GET', '/api/v1')).json<{ resources: Array<{ name: string; namespaced: boolean; kind: string; shortNames?: string[] }> }>();
  expect(discovery.resources.find((r) => r.name === 'nodes')).toMatchObject({ namespaced: false, kind: 'Node', shortNames: ['no'] });
  // The Node is the first object stored (resourceVersion 1); a watch from 0 starts with it as it is now.
  const events = await readWatch<Node>(`${sim.url}/api/v1/nodes?watch=true&resourceVersion=0`, (seen) => seen.length > 0);
  expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'sim-node-1' }, status: { images: node.status.images } } });
});

test('a pod whose effective request fits no node stays Pending: PodScheduled False Unschedulable, FailedScheduling as kube-scheduler words it', async () => {
  // Requests default to limits: max(init 1500Mi, app 64Mi) = 1500Mi > 1Gi allocatable.
  await start(`nodes: [{ name: small, allocatable: { memory: 1Gi, cpu: 2 } }]
namespaces: [{ name: lab }]
workloads:
  - kind: Pod
    name: big
    namespace: lab
    initContainers: [{ name: load, image: l:1, limits: { memory: 1500Mi }, peakMemory: 100Mi }]
    containers: [{ name: app, image: a:1, limits: { memory: 64Mi }, peakMemory: 8Mi }]`);
  await sim.waitFor(() => sim.getObject<Pod>('Pod', 'lab', 'big')?.status.conditions?.some((c) => c.type === 'PodScheduled') ?? false, 10_000, 'PodScheduled');
  kubectl = await kubectlFor(sim.url);
  const pod = await kubectl.json<Pod>(['get', 'pod', 'big', '-n', 'lab']);
  expect(pod.spec.nodeName).toBeUndefined();
  expect(pod.status.phase).toBe('Pending');
  expect(pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: NO_FIT, lastProbeTime: null, lastTransitionTime: expect.any(String) }]);
  const event = sim.listObjects<KubeEvent>('Event', 'lab').find((e) => e.reason === 'FailedScheduling');
  expect(event).toMatchObject({ type: 'Warning', action: 'Scheduling', message: NO_FIT, reportingComponent: 'default-scheduler', involvedObject: { kind: 'Pod', name: 'big' } });
  const table = await kubectl.run(['get', 'pods', '-n', 'lab']);
  expect(table.stdout).toMatch(/big\s+0\/1\s+Pending\s+0/);
});

test('FitError wording with two nodes, both short of cpu and memory: reasons counted and sorted as strings', async () => {
  await start(`nodes: [{ name: n1, allocatable: { memory: 2Gi, cpu: 2 } }, { name: n2, allocatable: { memory: 2Gi, cpu: 2 } }]
namespaces: [{ name: lab }]
workloads:
  - kind: Pod
    name: p
    namespace: lab
    initContainers: [{ name: i, image: i:1, limits: { memory: 3Gi, cpu: 3 }, peakMemory: 8Mi }]
    containers: [{ name: app, image: a:1, limits: { memory: 64Mi }, peakMemory: 8Mi }]`);
  await sim.waitFor(() => sim.listObjects<KubeEvent>('Event', 'lab').some((e) => e.reason === 'FailedScheduling'), 10_000, 'FailedScheduling');
  expect(sim.listObjects<KubeEvent>('Event', 'lab').find((e) => e.reason === 'FailedScheduling')?.message).toBe(
    '0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
  );
});

const MiB = 1024 * 1024;
test.each<[string, PodSpec, { memory?: number; cpu?: number }]>([
  ['largest init container wins over the app sum', { initContainers: [{ name: 'i', image: 'i', resources: { requests: { memory: '300Mi' } } }], containers: [{ name: 'a', image: 'a', resources: { requests: { memory: '100Mi' } } }, { name: 'b', image: 'b', resources: { requests: { memory: '100Mi' } } }] }, { memory: 300 * MiB }],
  ['app sum wins over a small init container', { initContainers: [{ name: 'i', image: 'i', resources: { requests: { memory: '64Mi', cpu: '1' } } }], containers: [{ name: 'a', image: 'a', resources: { requests: { memory: '100Mi', cpu: '250m' } } }, { name: 'b', image: 'b', resources: { requests: { memory: '100Mi', cpu: '250m' } } }] }, { memory: 200 * MiB, cpu: 1000 }],
  [
    'a sidecar (restartPolicy Always) adds to the apps and to later init containers; overhead on top',
    {
      initContainers: [
        { name: 'proxy', image: 'p', restartPolicy: 'Always', resources: { requests: { memory: '100Mi' } } },
        { name: 'migrate', image: 'm', resources: { requests: { memory: '1Gi' } } },
      ],
      containers: [{ name: 'app', image: 'a', resources: { requests: { memory: '800Mi', cpu: '500m' } } }],
      overhead: { memory: '120Mi', cpu: '250m' },
    },
    { memory: (1024 + 100 + 120) * MiB, cpu: 750 },
  ],
])('effective request (resource.PodRequests): %s', (_name, spec, expected) => {
  expect(podRequests(spec)).toEqual(expected);
});

test('room appears when a pod goes away: the Pending pod is scheduled then', async () => {
  await start(`nodes: [{ name: small, allocatable: { memory: 1Gi } }]
namespaces: [{ name: lab }]
workloads:
  - { kind: Pod, name: first, namespace: lab, containers: [{ name: app, image: a:1, limits: { memory: 600Mi }, peakMemory: 8Mi }] }
  - { kind: Pod, name: second, namespace: lab, containers: [{ name: app, image: a:1, limits: { memory: 600Mi }, peakMemory: 8Mi }] }`);
  const bound = () => ['first', 'second'].filter((n) => sim.getObject<Pod>('Pod', 'lab', n)?.spec.nodeName);
  const refused = () => ['first', 'second'].find((n) => sim.getObject<Pod>('Pod', 'lab', n)?.status.conditions?.some((c) => c.reason === 'Unschedulable'));
  await sim.waitFor(() => bound().length === 1 && refused() !== undefined, 10_000, 'one bound, one Unschedulable');
  const [winner] = bound();
  const loser = refused() as string;
  expect((await call(sim.url, 'DELETE', `/api/v1/namespaces/lab/pods/${winner}`)).status).toBe(200);
  await sim.waitFor(() => sim.getObject<Pod>('Pod', 'lab', loser)?.status.phase === 'Running', 10_000, `${loser} running`);
  expect(sim.getObject<Pod>('Pod', 'lab', loser)?.status.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'True' });
  expect(sim.listObjects<KubeEvent>('Event', 'lab').filter((e) => e.reason === 'Scheduled' && e.involvedObject.name === loser)).toHaveLength(1);
});

test('oracle: kubectl describe node (kubectl resourcehelper.PodRequestsAndLimits) totals the same effective requests and limits as the scheduler', async () => {
  await start(`namespaces: [{ name: lab }]
workloads:
  - kind: Pod
    name: init-wins
    namespace: lab
    initContainers: [{ name: i1, image: i:1, requests: { memory: 300Mi, cpu: 700m }, limits: { memory: 500Mi }, peakMemory: 8Mi, runSeconds: 100000 }, { name: i2, image: i:1, limits: { memory: 200Mi, cpu: 1 }, peakMemory: 8Mi }]
    containers: [{ name: a, image: a:1, requests: { memory: 100Mi, cpu: 100m }, limits: { memory: 128Mi }, peakMemory: 8Mi }, { name: b, image: b:1, limits: { memory: 64Mi }, peakMemory: 8Mi }]
  - kind: Pod
    name: apps-win
    namespace: lab
    initContainers: [{ name: i, image: i:1, limits: { memory: 32Mi }, peakMemory: 8Mi }]
    containers: [{ name: a, image: a:1, requests: { memory: 96Mi, cpu: 250m }, limits: { memory: 192Mi, cpu: 500m }, peakMemory: 8Mi }, { name: b, image: b:1, requests: { memory: 48Mi }, peakMemory: 8Mi }]`);
  await sim.waitFor(() => sim.listObjects<Pod>('Pod', 'lab').every((p) => p.spec.nodeName), 10_000, 'both bound');
  kubectl = await kubectlFor(sim.url);
  const described = (await kubectl.run(['describe', 'node', 'sim-node-1'])).stdout;
  const { podLimits } = await import('../../src/sim/pod-resources.js');
  const mi = (bytes = 0) => `${bytes / 1024 / 1024}Mi`;
  const cpu = (m = 0) => (m % 1000 === 0 ? String(m / 1000) : `${m}m`);
  let memRequests = 0;
  let memLimits = 0;
  let cpuRequests = 0;
  for (const pod of sim.listObjects<Pod>('Pod', 'lab')) {
    const requests = podRequests(pod.spec);
    const limits = podLimits(pod.spec);
    memRequests += requests.memory ?? 0;
    memLimits += limits.memory ?? 0;
    cpuRequests += requests.cpu ?? 0;
    // The pod's row: CPU Requests, CPU Limits, Memory Requests, Memory Limits, each with a percentage.
    const row = new RegExp(`lab\\s+${pod.metadata.name}\\s+(\\S+) \\(\\d+%\\)\\s+\\S+ \\(\\d+%\\)\\s+(\\S+) \\(\\d+%\\)\\s+(\\S+) \\(\\d+%\\)`).exec(described);
    expect([row?.[1], row?.[2], row?.[3]]).toEqual([cpu(requests.cpu), mi(requests.memory), mi(limits.memory)]);
  }
  // init-wins: max(300Mi, 200Mi, 100Mi + 64Mi) = 300Mi requested, max(500Mi, 200Mi, 192Mi) = 500Mi limit.
  expect(memRequests).toBe((300 + 96 + 48) * 1024 * 1024);
  expect(described).toMatch(new RegExp(`memory\\s+${mi(memRequests)} \\(\\d+%\\)\\s+${mi(memLimits)} \\(\\d+%\\)`));
  expect(described).toMatch(new RegExp(`cpu\\s+${cpu(cpuRequests)} \\(\\d+%\\)`));
});

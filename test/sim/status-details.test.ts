/**
 * Status and event details a client reads, replayed through watches from the first
 * resourceVersion: default waiting reasons (kubelet convertToAPIContainerStatuses), readiness
 * without probes (prober manager), the Deployment's Progressing reasons (deployment controller
 * progress.go), the OOMKilling Node event where node-problem-detector runs, with the kubelet's
 * oom_score_adj, and the Scheduled event as `kubectl get events` prints it.
 */
import type { ContainerStatus, KubeEvent, Pod, Workload } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call } from './helpers/api.js';
import { readWatch, type WatchEvent } from './helpers/watch.js';

let sim: Simulator;
afterEach(async () => sim.close());

const start = async (text: string) => {
  sim = await startSimulator({ scenario: parseScenario(text, 'inline.yaml'), timeScale: 0.001 });
  return sim;
};

/** Distinct successive values of `project` over every MODIFIED/ADDED object of a watch replay. */
async function history<T, V>(path: string, project: (o: T) => V | undefined, done: (seen: V[]) => boolean): Promise<V[]> {
  const seen: V[] = [];
  let read = 0;
  await readWatch<T>(`${sim.url}${path}?watch=true&resourceVersion=1`, (events: Array<WatchEvent<T>>) => {
    for (const e of events.slice(read)) {
      const v = project(e.object);
      if (v !== undefined && JSON.stringify(seen.at(-1)) !== JSON.stringify(v)) seen.push(v);
    }
    read = events.length;
    return done(seen);
  });
  return seen;
}

const state = (s: ContainerStatus | undefined) => (s ? `${Object.keys(s.state)[0]}${s.state.waiting ? `:${s.state.waiting.reason}` : ''}${s.ready ? ' ready' : ''}` : undefined);

test.each<[string, string, string[]]>([
  ['with an init container: the app waits as PodInitializing until it runs, then is ready at once (no probe)', 'initContainers: [{ name: init, image: i:1, peakMemory: 8Mi, runSeconds: 1 }]', ['waiting:PodInitializing', 'running ready']],
  ['without one: ContainerCreating', '', ['waiting:ContainerCreating', 'running ready']],
])('app container states %s', async (_name, init, expected) => {
  await start(`namespaces: [{ name: lab }]
workloads:
  - { kind: Pod, name: p, namespace: lab, ${init ? `${init},` : ''} containers: [{ name: app, image: a:1, peakMemory: 8Mi }] }`);
  const seen = await history<Pod, string>('/api/v1/namespaces/lab/pods', (p) => state(p.status.containerStatuses?.[0]), (s) => s.includes('running ready'));
  expect(seen).toEqual(expected);
});

test('a readiness probe (readySeconds) makes the app ready only after its initial delay', async () => {
  await start(`namespaces: [{ name: lab }]
workloads:
  - { kind: Pod, name: p, namespace: lab, containers: [{ name: app, image: a:1, peakMemory: 8Mi, readySeconds: 5 }] }`);
  const seen = await history<Pod, string>('/api/v1/namespaces/lab/pods', (p) => state(p.status.containerStatuses?.[0]), (s) => s.includes('running ready'));
  expect(seen).toEqual(['waiting:ContainerCreating', 'running', 'running ready']);
  expect(sim.getObject<Pod>('Pod', 'lab', 'p')?.spec.containers[0]?.readinessProbe).toMatchObject({ exec: { command: ['true'] }, initialDelaySeconds: 5, periodSeconds: 10 });
});

test.each<[string, string, string[]]>([
  ['healthy: created, progressing, available', 'healthy', ['NewReplicaSetCreated', 'ReplicaSetUpdated', 'NewReplicaSetAvailable']],
  ['seed (never available): created, progressing, deadline exceeded', 'seed-oom', ['NewReplicaSetCreated', 'ReplicaSetUpdated', 'ProgressDeadlineExceeded']],
])('Deployment Progressing reasons, %s', async (_name, scenario, expected) => {
  sim = await startSimulator({ scenario, timeScale: 0.001 });
  const reason = (d: Workload) => (d.status?.conditions as Array<{ type: string; reason: string }> | undefined)?.find((c) => c.type === 'Progressing')?.reason;
  const seen = await history<Workload, string>('/apis/apps/v1/namespaces/shop/deployments', reason, (s) => s.length >= 3);
  expect(seen).toEqual(expected);
});

/** The OOMKilling rule of node-problem-detector's config/kernel-monitor.json; NPD requires it to match to the end of the line. */
const NPD_OOM_RULE = /Killed process \d+ (.+) total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB.*$/;

test.each<[string, string, string, string]>([
  ['Burstable (32Mi request on a node of 8Gi allocatable)', 'requests: { memory: 32Mi }, limits: { memory: 64Mi }', '', 'oom_score_adj:997'],
  ['Guaranteed, with the process name the scenario gives', 'requests: { memory: 64Mi, cpu: 100m }, limits: { memory: 64Mi, cpu: 100m }', 'process: db-migrate,', 'oom_score_adj:-997'],
])('node-problem-detector reports the OOM kill on the Node, %s', async (_name, resources, process, adj) => {
  await start(`nodeProblemDetector: true
namespaces: [{ name: lab }]
workloads:
  - kind: Pod
    name: p
    namespace: lab
    initContainers: [{ name: migrate, image: m:1, peakMemory: 96Mi, ${process} ${resources} }]
    containers: [{ name: app, image: a:1, peakMemory: 8Mi, ${resources} }]`);
  await sim.waitFor(() => sim.listObjects<KubeEvent>('Event', 'default').some((e) => e.reason === 'OOMKilling'), 10_000, 'the OOMKilling event');
  const event = sim.listObjects<KubeEvent>('Event', 'default').find((e) => e.reason === 'OOMKilling') as KubeEvent;
  expect(event).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Node', name: 'sim-node-1', uid: 'sim-node-1' }, source: { component: 'kernel-monitor', host: 'sim-node-1' } });
  expect(event.message).toMatch(NPD_OOM_RULE);
  const line = /^Memory cgroup out of memory: Killed process (\d+) \(([^)]{1,15})\) total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB, shmem-rss:0kB, UID:0 pgtables:(\d+)kB (oom_score_adj:-?\d+)$/.exec(event.message);
  expect(line?.[2]).toBe(process ? 'db-migrate' : 'migrate');
  expect(line?.[7]).toBe(adj);
  // What the cgroup held at the kill: anon + file = the 64Mi limit, in kB.
  expect(Number(line?.[4]) + Number(line?.[5])).toBe(64 * 1024);
  expect(Number(line?.[3])).toBeGreaterThan(Number(line?.[4]));
});

test('kubectl get events prints the Scheduled event from its eventTime, count 1, source from its reporter', async () => {
  await start(`namespaces: [{ name: lab }]
workloads:
  - { kind: Pod, name: p, namespace: lab, containers: [{ name: app, image: a:1, peakMemory: 8Mi }] }`);
  await sim.waitFor(() => sim.listObjects<KubeEvent>('Event', 'lab').some((e) => e.reason === 'Scheduled'), 10_000, 'Scheduled');
  const res = await call(sim.url, 'GET', '/api/v1/namespaces/lab/events', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  const row = res.json<{ rows: Array<{ cells: string[] }> }>().rows.find((r) => r.cells[2] === 'Scheduled');
  expect(row?.cells[0]).toMatch(/^\d+s$/);
  expect(row?.cells.slice(5, 9)).toEqual(['default-scheduler, default-scheduler-sim-control-plane', 'Successfully assigned lab/p to sim-node-1', row?.cells[0], '1']);
});

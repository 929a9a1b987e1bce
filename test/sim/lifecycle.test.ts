/**
 * The controllers and the simulated kubelet, observed through the simulator's state after API calls:
 * rollouts, back-off, conditions, events, StatefulSet and DaemonSet behaviour, rollbacks.
 */
import type { ContainerStatus, KubeEvent, Pod, Workload } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call, raiseInit, strategicPatch } from './helpers/api.js';

const TIME_SCALE = 0.001;
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(scenario: Parameters<typeof startSimulator>[0]['scenario']): Promise<Simulator> {
  sim = await startSimulator({ scenario, timeScale: TIME_SCALE });
  return sim;
}

const podsOf = (s: Simulator, ns: string, app: string) => s.listObjects<Pod>('Pod', ns).filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
const condition = (p: Pod | undefined, type: string) => p?.status.conditions?.find((c) => c.type === type);
const init0 = (p: Pod | undefined): ContainerStatus | undefined => p?.status.initContainerStatuses?.[0];
const app0 = (p: Pod | undefined): ContainerStatus | undefined => p?.status.containerStatuses?.[0];
const oomKilled = (s?: ContainerStatus) => (s?.state.terminated ?? s?.lastState.terminated)?.reason === 'OOMKilled';

test('seed: the init container is OOMKilled, backs off, and the pod never initializes', async () => {
  const s = await start('seed-oom');
  await s.waitFor(() => (init0(podsOf(s, 'shop', 'checkout')[0])?.restartCount ?? 0) >= 2, 20_000, 'two restarts');
  const pod = podsOf(s, 'shop', 'checkout')[0] as Pod;
  expect(oomKilled(init0(pod))).toBe(true);
  expect(init0(pod)?.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  expect(pod.status.phase).toBe('Pending');
  expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'True' });
  expect(condition(pod, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate]' });
  expect(condition(pod, 'Ready')?.lastTransitionTime).toMatch(/Z$/);
  expect(app0(pod)?.state.waiting?.reason).toBe('PodInitializing');
  expect(pod.spec.nodeName).toBe('sim-node-1');
  expect(pod.status.podIP).toMatch(/^10\.244\.0\.\d+$/);
  expect(pod.status.qosClass).toBe('Burstable');

  await s.waitFor(() => s.listObjects<KubeEvent>('Event', 'shop').some((e) => e.reason === 'BackOff' && (e.count ?? 0) >= 2), 20_000, 'an aggregated BackOff event');
  const events = s.listObjects<KubeEvent>('Event', 'shop').filter((e) => e.involvedObject.name === pod.metadata.name);
  const backOff = events.find((e) => e.reason === 'BackOff') as KubeEvent;
  expect(backOff).toMatchObject({ type: 'Warning', source: { component: 'kubelet', host: 'sim-node-1' }, involvedObject: { kind: 'Pod', fieldPath: 'spec.initContainers{migrate}' } });
  expect(backOff.message).toBe(`Back-off restarting failed container migrate in pod ${pod.metadata.name}_shop(${pod.metadata.uid})`);
  expect((backOff.lastTimestamp ?? '') >= (backOff.firstTimestamp ?? '')).toBe(true);
  expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff']));
  // kube-scheduler writes through events.k8s.io: eventTime and action, no first/last timestamps or count.
  expect(events.find((e) => e.reason === 'Scheduled')).toMatchObject({
    action: 'Binding',
    eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    firstTimestamp: null,
    lastTimestamp: null,
    source: {},
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-sim-control-plane',
    message: `Successfully assigned shop/${pod.metadata.name} to sim-node-1`,
  });
  expect(events.find((e) => e.reason === 'Scheduled')?.count).toBeUndefined();
  // No node-problem-detector in this scenario (the default, as on many clusters): no Node event.
  expect(s.listObjects<KubeEvent>('Event', 'default').filter((e) => e.reason === 'OOMKilling')).toEqual([]);
  // What the ServiceAccount admission plugin adds to every pod.
  expect(pod.spec).toMatchObject({ serviceAccountName: 'default', serviceAccount: 'default' });
  const token = (pod.spec.volumes as Array<{ name: string; projected?: unknown }>).find((v) => v.name.startsWith('kube-api-access-'));
  expect(token?.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  expect(token?.projected).toMatchObject({ defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt' } }, { downwardAPI: {} }] });
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    expect(c.volumeMounts).toContainEqual({ name: token?.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
  }

  const deploy = s.getObject<Workload>('Deployment', 'shop', 'checkout') as Workload;
  expect(deploy.status).toMatchObject({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 });
  expect(deploy.status?.readyReplicas).toBeUndefined();
  await s.waitFor(() => {
    const conditions = (s.getObject<Workload>('Deployment', 'shop', 'checkout')?.status?.conditions ?? []) as Array<{ type: string; reason: string }>;
    return conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  }, 20_000, 'the progress deadline (600 scaled seconds)');
});

test('healthy: init completes with exit 0, app containers become ready, the Deployment is available', async () => {
  const s = await start('healthy');
  await s.waitFor(() => podsOf(s, 'shop', 'catalog').filter((p) => condition(p, 'Ready')?.status === 'True').length === 2, 20_000, 'two ready pods');
  for (const pod of podsOf(s, 'shop', 'catalog')) {
    expect(init0(pod)?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(init0(pod)?.ready).toBe(true);
    expect(app0(pod)).toMatchObject({ ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
  }
  await s.waitFor(() => (s.getObject<Workload>('Deployment', 'shop', 'catalog')?.status?.availableReplicas as number) === 2, 20_000, 'availability');
  const status = s.getObject<Workload>('Deployment', 'shop', 'catalog')?.status;
  expect(status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
  expect(status?.unavailableReplicas).toBeUndefined();
});

test('app-crashloop: the app exits 1 (Error), backs off in CrashLoopBackOff, never OOMKilled', async () => {
  const s = await start('app-crashloop');
  await s.waitFor(() => (app0(podsOf(s, 'shop', 'payments')[0])?.restartCount ?? 0) >= 1 && app0(podsOf(s, 'shop', 'payments')[0])?.state.waiting?.reason === 'CrashLoopBackOff', 20_000, 'a CrashLoopBackOff');
  const pod = podsOf(s, 'shop', 'payments')[0] as Pod;
  expect(app0(pod)?.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  expect(app0(pod)?.state.waiting?.message).toMatch(/^back-off \d+s restarting failed container=app pod=payments-/);
  expect(init0(pod)?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  expect(pod.status.phase).toBe('Running');
  expect(condition(pod, 'Initialized')?.status).toBe('True');
  expect(condition(pod, 'Ready')?.status).toBe('False');
  expect(oomKilled(app0(pod)) || oomKilled(init0(pod))).toBe(false);
});

test('bare pod: no owner, OOMKilled init container, left alone by every controller', async () => {
  const s = await start('bare-pod');
  await s.waitFor(() => oomKilled(init0(s.getObject<Pod>('Pod', 'shop', 'debug-tool'))), 20_000, 'the OOMKill');
  const pod = s.getObject<Pod>('Pod', 'shop', 'debug-tool') as Pod;
  expect(pod.metadata.ownerReferences).toBeUndefined();
  expect(pod.metadata.labels).toEqual({ app: 'debug-tool' });
  expect(s.listObjects('ReplicaSet')).toEqual([]);
});

test('a rollout replaces the OOMing pod only once its replacement is available, and a rollback reuses the old ReplicaSet', async () => {
  const s = await start('seed-oom');
  await s.waitFor(() => oomKilled(init0(podsOf(s, 'shop', 'checkout')[0])), 20_000, 'the OOMKill');
  const [oldRs] = s.listObjects<Workload>('ReplicaSet', 'shop');
  const deployPath = '/apis/apps/v1/namespaces/shop/deployments/checkout';

  expect((await strategicPatch(s.url, deployPath, raiseInit('migrate', '80Mi'))).status).toBe(200);
  await s.waitFor(() => podsOf(s, 'shop', 'checkout').filter((p) => oomKilled(init0(p))).length === 2, 20_000, 'both pods OOMing at 80Mi');
  expect(s.listObjects('ReplicaSet', 'shop')).toHaveLength(2);

  expect((await strategicPatch(s.url, deployPath, raiseInit('migrate', '128Mi'))).status).toBe(200);
  await s.waitFor(() => {
    const pods = s.listObjects<Pod>('Pod', 'shop');
    return pods.length === 1 && condition(pods[0], 'Ready')?.status === 'True';
  }, 20_000, 'a single ready pod');
  const replicaSets = s.listObjects<Workload>('ReplicaSet', 'shop');
  expect(replicaSets).toHaveLength(3);
  const active = replicaSets.filter((rs) => rs.spec.replicas === 1);
  expect(active).toHaveLength(1);
  expect(active[0]?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  expect(s.listObjects<Pod>('Pod', 'shop')[0]?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: active[0]?.metadata.name, controller: true });
  const scaling = s.listObjects<KubeEvent>('Event', 'shop').filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
  expect(scaling).toContain(`Scaled up replica set ${active[0]?.metadata.name} from 0 to 1`);

  expect((await strategicPatch(s.url, deployPath, raiseInit('migrate', '64Mi'))).status).toBe(200);
  await s.waitFor(() => s.getObject<Workload>('ReplicaSet', 'shop', oldRs?.metadata.name ?? '')?.spec.replicas === 1, 20_000, 'the rollback to the first ReplicaSet');
  expect(s.listObjects('ReplicaSet', 'shop')).toHaveLength(3);
  expect(s.getObject<Workload>('ReplicaSet', 'shop', oldRs?.metadata.name ?? '')?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
});

test('statefulset (OrderedReady): a template patch waits on the stuck pod; deleting it recreates it patched', async () => {
  const s = await start('statefulset');
  await s.waitFor(() => oomKilled(init0(s.getObject<Pod>('Pod', 'shop', 'ledger-0'))), 20_000, 'ledger-0 OOMKilled');
  const first = s.getObject<Pod>('Pod', 'shop', 'ledger-0') as Pod;
  expect(first.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'ledger', controller: true });
  expect(first.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'ledger-0', 'apps.kubernetes.io/pod-index': '0' });
  const oldRevision = first.metadata.labels?.['controller-revision-hash'];

  expect((await strategicPatch(s.url, '/apis/apps/v1/namespaces/shop/statefulsets/ledger', raiseInit('schema-migrate', '512Mi'))).status).toBe(200);
  const restarts = init0(first)?.restartCount ?? 0;
  await s.waitFor(() => (init0(s.getObject<Pod>('Pod', 'shop', 'ledger-0'))?.restartCount ?? 0) >= restarts + 2, 20_000, 'two more restarts');
  expect(s.getObject<Pod>('Pod', 'shop', 'ledger-0')?.metadata.uid).toBe(first.metadata.uid);
  const sts = s.getObject<Workload>('StatefulSet', 'shop', 'ledger');
  expect(sts?.status?.updateRevision).not.toBe(oldRevision);
  expect(sts?.status?.currentRevision).toBe(oldRevision);

  const deleted = await call(s.url, 'DELETE', '/api/v1/namespaces/shop/pods/ledger-0');
  expect(deleted.status).toBe(200);
  expect(deleted.json<Pod>().metadata.deletionTimestamp).toBeDefined();
  await s.waitFor(() => {
    const pod = s.getObject<Pod>('Pod', 'shop', 'ledger-0');
    return pod?.metadata.uid !== first.metadata.uid && condition(pod, 'Initialized')?.status === 'True';
  }, 20_000, 'ledger-0 recreated and initialized');
  expect(s.getObject<Pod>('Pod', 'shop', 'ledger-0')?.metadata.labels?.['controller-revision-hash']).toBe(sts?.status?.updateRevision);
});

test('statefulset (Parallel) and daemonset roll their pods by themselves after a patch', async () => {
  const text = `
nodes: [n1, n2]
namespaces: [{ name: ops }]
workloads:
  - kind: StatefulSet
    name: db
    namespace: ops
    replicas: 2
    podManagementPolicy: Parallel
    initContainers: [{ name: init, image: i:1, limits: { memory: 10Mi }, peakMemory: 20Mi }]
    containers: [{ name: db, image: d:1, peakMemory: 5Mi }]
  - kind: DaemonSet
    name: agent
    namespace: ops
    initContainers: [{ name: init, image: i:1, limits: { memory: 10Mi }, peakMemory: 20Mi }]
    containers: [{ name: agent, image: a:1, peakMemory: 5Mi }]
`;
  const s = await start(parseScenario(text, 'inline.yaml'));
  await s.waitFor(() => podsOf(s, 'ops', 'db').length === 2 && podsOf(s, 'ops', 'agent').length === 2, 20_000, 'all pods');
  expect(podsOf(s, 'ops', 'agent').map((p) => p.spec.nodeName).sort()).toEqual(['n1', 'n2']);
  await s.waitFor(() => s.listObjects<Pod>('Pod', 'ops').every((p) => oomKilled(init0(p))), 20_000, 'every pod OOMKilled');
  expect((await strategicPatch(s.url, '/apis/apps/v1/namespaces/ops/statefulsets/db', raiseInit('init', '32Mi'))).status).toBe(200);
  expect((await strategicPatch(s.url, '/apis/apps/v1/namespaces/ops/daemonsets/agent', raiseInit('init', '32Mi'))).status).toBe(200);
  await s.waitFor(() => {
    const pods = s.listObjects<Pod>('Pod', 'ops');
    return pods.length === 4 && pods.every((p) => condition(p, 'Ready')?.status === 'True');
  }, 20_000, 'four ready pods');
  // The controller writes status on its next reconcile after the pods: wait for it, as a client would.
  await s.waitFor(() => s.getObject<Workload>('StatefulSet', 'ops', 'db')?.status?.readyReplicas === 2, 20_000, 'statefulset status');
  expect(s.getObject<Workload>('StatefulSet', 'ops', 'db')?.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
  await s.waitFor(() => s.getObject<Workload>('DaemonSet', 'ops', 'agent')?.status?.numberAvailable === 2, 20_000, 'daemonset status');
  expect(s.getObject<Workload>('DaemonSet', 'ops', 'agent')?.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberReady: 2 });
});

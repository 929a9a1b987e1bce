/**
 * ResourceQuota and LimitRange as the API server enforces them on pods the controllers create
 * (admission plugins ResourceQuota and LimitRanger) and as the quota controller reports usage, read
 * the way a client reads them: kubectl get / describe, the objects' status, the controllers'
 * FailedCreate events and the ReplicaFailure conditions.
 */
import type { Condition, KubeEvent, Pod, Workload } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call, raiseInit, strategicPatch } from './helpers/api.js';
import { kubectlFor, type Kubectl } from './helpers/kubectl.js';

let sim: Simulator;
let kubectl: Kubectl | undefined;
afterEach(async () => {
  await sim.close();
  await kubectl?.cleanup();
  kubectl = undefined;
});

const events = (ns: string, reason: string) => sim.listObjects<KubeEvent>('Event', ns).filter((e) => e.reason === reason);
const conditionOf = (obj: Workload | undefined, type: string) => (obj?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

test('quota-nearly-used: status and kubectl show 896Mi of 1Gi used; raising the init limit to 384Mi is refused with exceeded quota', async () => {
  sim = await startSimulator({ scenario: 'quota-nearly-used', timeScale: 0.001 });
  await sim.waitFor(() => sim.listObjects<Pod>('Pod', 'shop').length === 4, 10_000, 'four pods');
  await sim.waitFor(() => (sim.getObject('ResourceQuota', 'shop', 'compute')?.status as { used?: Record<string, string> } | undefined)?.used?.pods === '4', 10_000, 'quota usage');
  const quota = (await call(sim.url, 'GET', '/api/v1/namespaces/shop/resourcequotas/compute')).json<{ spec: unknown; status: unknown }>();
  expect(quota.spec).toEqual({ hard: { 'limits.memory': '1Gi', 'requests.memory': '768Mi', pods: '10' } });
  // limits: 3 x max(128Mi, 128Mi) + 512Mi; requests: 3 x max(64Mi, 96Mi) + 256Mi.
  expect(quota.status).toEqual({ hard: { 'limits.memory': '1Gi', 'requests.memory': '768Mi', pods: '10' }, used: { 'limits.memory': '896Mi', 'requests.memory': '544Mi', pods: '4' } });

  kubectl = await kubectlFor(sim.url);
  const table = await kubectl.run(['get', 'quota', '-n', 'shop']);
  expect(table.stderr).toBe('');
  expect(table.stdout).toMatch(/^NAME\s+AGE\s+REQUEST\s+LIMIT\ncompute\s+\S+\s+pods: 4\/10, requests\.memory: 544Mi\/768Mi\s+limits\.memory: 896Mi\/1Gi\n$/);
  const described = await kubectl.run(['describe', 'quota', 'compute', '-n', 'shop']);
  expect(described.stdout).toMatch(/Resource\s+Used\s+Hard\n-+\s+-+\s+-+\nlimits\.memory\s+896Mi\s+1Gi\npods\s+4\s+10\nrequests\.memory\s+544Mi\s+768Mi/);

  expect((await strategicPatch(sim.url, '/apis/apps/v1/namespaces/shop/deployments/checkout', raiseInit('migrate', '384Mi'))).status).toBe(200);
  const refused = /^Error creating: pods "checkout-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: limits\.memory=384Mi, used: limits\.memory=896Mi, limited: limits\.memory=1Gi$/;
  await sim.waitFor(() => events('shop', 'FailedCreate').length > 0, 10_000, 'FailedCreate');
  const failed = events('shop', 'FailedCreate')[0] as KubeEvent;
  expect(failed).toMatchObject({ type: 'Warning', source: { component: 'replicaset-controller' }, involvedObject: { kind: 'ReplicaSet' } });
  expect(failed.message).toMatch(refused);
  const rs = sim.getObject<Workload>('ReplicaSet', 'shop', failed.involvedObject.name);
  expect(conditionOf(rs, 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate', message: failed.message.replace('Error creating: ', '') });
  await sim.waitFor(() => conditionOf(sim.getObject<Workload>('Deployment', 'shop', 'checkout'), 'ReplicaFailure') !== undefined, 10_000, 'the Deployment condition');
  expect(conditionOf(sim.getObject<Workload>('Deployment', 'shop', 'checkout'), 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate' });
  expect(sim.listObjects<Pod>('Pod', 'shop')).toHaveLength(4);
});

const LIMITED = `namespaces: [{ name: lab }]
limitRanges:
  - namespace: lab
    name: mem
    limits: [{ type: Container, max: { memory: 256Mi }, default: { memory: 128Mi }, defaultRequest: { memory: 64Mi } }]
workloads:
  - kind: Deployment
    name: big
    namespace: lab
    initContainers: [{ name: load, image: l:1, limits: { memory: 512Mi }, peakMemory: 8Mi }]
    containers: [{ name: app, image: a:1, limits: { memory: 64Mi }, peakMemory: 8Mi }]
  - kind: StatefulSet
    name: db
    namespace: lab
    containers: [{ name: db, image: d:1, limits: { memory: 300Mi }, peakMemory: 8Mi }]
  - kind: Deployment
    name: plain
    namespace: lab
    containers: [{ name: app, image: a:1, peakMemory: 8Mi }]`;

test('LimitRange: max refused with the LimitRanger wording (ReplicaSet and StatefulSet events), defaults filled in and annotated', async () => {
  sim = await startSimulator({ scenario: parseScenario(LIMITED, 'inline.yaml'), timeScale: 0.001 });
  await sim.waitFor(() => events('lab', 'FailedCreate').length >= 2 && sim.listObjects<Pod>('Pod', 'lab').length === 1, 10_000, 'two refusals and one pod');
  const messages = events('lab', 'FailedCreate').map((e) => `${e.source.component}: ${e.message}`).sort();
  expect(messages[0]).toMatch(/^replicaset-controller: Error creating: pods "big-[a-z0-9]+-[a-z0-9]{5}" is forbidden: maximum memory usage per Container is 256Mi, but limit is 512Mi$/);
  expect(messages[1]).toBe('statefulset-controller: create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: maximum memory usage per Container is 256Mi, but limit is 300Mi');

  const pod = sim.listObjects<Pod>('Pod', 'lab')[0] as Pod;
  expect(pod.metadata.name).toMatch(/^plain-/);
  expect(pod.spec.containers[0]?.resources).toEqual({ limits: { memory: '128Mi' }, requests: { memory: '64Mi' } });
  expect(pod.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: memory request for container app; memory limit for container app');
  // QoS is decided after admission: the defaults made a BestEffort pod Burstable.
  expect(pod.status.qosClass).toBe('Burstable');

  kubectl = await kubectlFor(sim.url);
  const table = await kubectl.run(['get', 'limits', '-n', 'lab']);
  expect(table.stdout).toMatch(/^NAME\s+CREATED AT\nmem\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
  const range = await kubectl.json<{ spec: unknown }>(['get', 'limitrange', 'mem', '-n', 'lab']);
  expect(range.spec).toEqual({ limits: [{ type: 'Container', max: { memory: '256Mi' }, default: { memory: '128Mi' }, defaultRequest: { memory: '64Mi' } }] });
  const described = await kubectl.run(['describe', 'limitrange', 'mem', '-n', 'lab']);
  expect(described.stdout).toMatch(/Container\s+memory\s+-\s+256Mi\s+64Mi\s+128Mi\s+-/);
});

test('a quota on limits.memory refuses a pod whose container states no memory limit: failed quota ... must specify', async () => {
  sim = await startSimulator({
    scenario: parseScenario(
      `namespaces: [{ name: lab }]
quotas: [{ namespace: lab, name: q, hard: { limits.memory: 1Gi } }]
workloads:
  - { kind: Deployment, name: web, namespace: lab, initContainers: [{ name: init, image: i:1, limits: { memory: 64Mi }, peakMemory: 8Mi }], containers: [{ name: app, image: a:1, peakMemory: 8Mi }, { name: side, image: s:1, peakMemory: 8Mi }] }`,
      'inline.yaml',
    ),
    timeScale: 0.001,
  });
  await sim.waitFor(() => events('lab', 'FailedCreate').length > 0, 10_000, 'FailedCreate');
  expect(events('lab', 'FailedCreate')[0]?.message).toMatch(/^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: failed quota: q: must specify limits\.memory for: app,side$/);
});

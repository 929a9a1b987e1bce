/**
 * The "Done when", judged by the real kubectl on the machine (and client-node for the pod
 * proxy): OOMKilled init container, a strategic patch that rolls out, `kubectl wait`, /healthz
 * through the proxy, events by field selector, and the 422 / 403 / 409 answers.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ContainerStatus, Pod } from '../../src/sim/k8s-types.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { kubectlFor, type Kubectl } from './helpers/kubectl.js';
import { pollUntil } from './helpers/poll.js';

const TIME_SCALE = 0.001;

let sim: Simulator;
let kubectl: Kubectl;

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: TIME_SCALE });
  kubectl = await kubectlFor(sim.url);
});

afterEach(async () => {
  await sim.close();
  await kubectl.cleanup();
});

function checkoutPods(): Pod[] {
  return sim.listObjects<Pod>('Pod', 'shop').filter((p) => p.metadata.labels?.app === 'checkout');
}

function migrateStatus(pod: Pod): ContainerStatus | undefined {
  return pod.status.initContainerStatuses?.find((s) => s.name === 'migrate');
}

/** The (only) checkout pod, once its init container has been OOMKilled at least once. */
async function oomKilledPod(): Promise<string> {
  await sim.waitFor(
    () => checkoutPods().some((p) => migrateStatus(p)?.lastState.terminated?.reason === 'OOMKilled'),
    20_000,
    'an OOMKilled migrate container',
  );
  return (checkoutPods()[0] as Pod).metadata.name;
}

const RAISE_TO_128MI = JSON.stringify({
  spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory: '128Mi' } } }] } } },
});

test('kubectl get pod -o json shows the OOMKilled init container, exit 137, restartCount growing', async () => {
  const name = await oomKilledPod();
  const first = await kubectl.json<Pod>(['get', 'pod', name, '-n', 'shop']);
  const status = migrateStatus(first) as ContainerStatus;
  const terminated = status.state.terminated ?? status.lastState.terminated;
  expect(terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  expect(terminated?.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(terminated?.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(terminated?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
  expect(first.spec.initContainers?.[0]?.resources?.limits?.memory).toBe('64Mi');
  expect(first.status.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('False');

  const grown = await pollUntil(async () => {
    const again = await kubectl.json<Pod>(['get', 'pod', name, '-n', 'shop']);
    const count = migrateStatus(again)?.restartCount ?? 0;
    return count > status.restartCount ? count : undefined;
  }, 'restartCount to grow');
  expect(grown).toBeGreaterThan(status.restartCount);
});

test('kubectl get pods prints Init:OOMKilled or Init:CrashLoopBackOff in STATUS', async () => {
  await oomKilledPod();
  const table = await pollUntil(async () => {
    const result = await kubectl.run(['get', 'pods', '-n', 'shop']);
    return /Init:(OOMKilled|CrashLoopBackOff)/.test(result.stdout) ? result.stdout : undefined;
  }, 'an Init: status in kubectl get pods');
  expect(table).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  expect(table).toMatch(/checkout-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+Init:/);
});

test('a strategic patch to 128Mi rolls out a new pod that kubectl wait sees Initialized; /healthz answers 200', async () => {
  const oldPod = await oomKilledPod();

  const unpatched = await kubectl.run(['wait', '--for=condition=Initialized', 'pod', '-l', 'app=checkout', '-n', 'shop', '--timeout=2s']);
  expect(unpatched.code).not.toBe(0);
  expect(unpatched.stderr).toMatch(/timed out waiting for the condition/);

  const patched = await kubectl.run(['patch', 'deployment', 'checkout', '-n', 'shop', '--type=strategic', '-p', RAISE_TO_128MI]);
  expect(patched).toMatchObject({ code: 0 });
  expect(patched.stdout).toMatch(/deployment.apps\/checkout patched/);
  expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
  const patchRequest = sim.requests().find((r) => r.method === 'PATCH');
  expect(patchRequest).toMatchObject({ path: '/apis/apps/v1/namespaces/shop/deployments/checkout', contentType: 'application/strategic-merge-patch+json', status: 200 });
  expect(patchRequest?.query).toContain('fieldManager=kubectl-patch');

  await sim.waitFor(() => {
    const pods = checkoutPods();
    return pods.length === 1 && pods[0]?.metadata.name !== oldPod && !pods[0]?.metadata.deletionTimestamp;
  }, 20_000, 'the old pod to be replaced');
  const newPod = (checkoutPods()[0] as Pod).metadata.name;
  expect(checkoutPods()[0]?.spec.initContainers?.[0]?.resources?.limits?.memory).toBe('128Mi');

  const wait = await kubectl.run(['wait', '--for=condition=Initialized', 'pod', '-l', 'app=checkout', '-n', 'shop', '--timeout=30s']);
  expect(wait.stderr).toBe('');
  expect(wait).toMatchObject({ code: 0 });
  expect(wait.stdout).toContain(`pod/${newPod} condition met`);

  await sim.waitFor(() => sim.getObject<Pod>('Pod', 'shop', newPod)?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false, 20_000, 'the new pod to be Ready');
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const health = await core.connectGetNamespacedPodProxyWithPath({ namespace: 'shop', name: `${newPod}:8080`, path: 'healthz' });
  expect(health).toBe('ok\n');
  // client-node sends the name URL-encoded; the simulator decoded it to find the pod and port.
  expect(sim.requests().find((r) => r.path.endsWith('/proxy/healthz'))).toMatchObject({ path: `/api/v1/namespaces/shop/pods/${newPod}%3A8080/proxy/healthz`, status: 200 });

  const events = await kubectl.run(['get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${newPod}`]);
  expect(events.code).toBe(0);
  for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started']) expect(events.stdout).toContain(reason);
  expect(events.stdout).toContain(`pod/${newPod}`);
  expect(events.stdout).not.toContain(oldPod);

  const oldEvents = await kubectl.json<{ items: Array<{ reason: string; count: number; type: string }> }>([
    'get', 'events', '-n', 'shop', '--field-selector', `involvedObject.name=${oldPod}`,
  ]);
  expect(oldEvents.items.find((e) => e.reason === 'BackOff')).toMatchObject({ type: 'Warning' });
});

test('a bad quantity is 422 naming the field, a denied namespace 403, a stale resourceVersion 409', async () => {
  const bad = JSON.stringify({ spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory: '64MB' } } }] } } } });
  const invalid = await kubectl.run(['patch', 'deployment', 'checkout', '-n', 'shop', '--type=strategic', '-p', bad]);
  expect(invalid.code).toBe(1);
  // What kubectl prints against a real API server: the decode of the patched object fails on field
  // "patch" (kubectl renders an Invalid Status without kind and name as "The request is invalid").
  expect(invalid.stderr).toContain('The request is invalid: patch: Invalid value: "map[spec:map[template:map[spec:map[initContainers:[map[name:migrate resources:map[limits:map[memory:64MB]]]]]]]]": quantities must match the regular expression');
  expect(sim.requests().at(-1)).toMatchObject({ method: 'PATCH', status: 422 });
  expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);

  const denied = await kubectl.run(['get', 'deployment', 'vault-sync', '-n', 'secure']);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain(
    'Error from server (Forbidden): deployments.apps "vault-sync" is forbidden: User "system:serviceaccount:oom-check:oom-check" ' +
      'cannot get resource "deployments" in API group "apps" in the namespace "secure"',
  );

  const stale = JSON.stringify({ metadata: { resourceVersion: '1' }, spec: { replicas: 2 } });
  const conflict = await kubectl.run(['patch', 'deployment', 'checkout', '-n', 'shop', '--type=merge', '-p', stale]);
  expect(conflict.code).toBe(1);
  expect(conflict.stderr).toContain('Error from server (Conflict): Operation cannot be fulfilled on deployments.apps "checkout"');
  expect(sim.getObject('Deployment', 'shop', 'checkout')?.spec).toMatchObject({ replicas: 1 });

  const missing = await kubectl.run(['get', 'pod', 'nope', '-n', 'shop']);
  expect(missing.stderr).toContain('Error from server (NotFound): pods "nope" not found');
});

test('kubectl exec reads smaps_rollup of the running app container over the WebSocket protocol', async () => {
  const patched = await kubectl.run(['patch', 'deployment', 'checkout', '-n', 'shop', '-p', RAISE_TO_128MI]);
  expect(patched.code).toBe(0);
  await sim.waitFor(() => checkoutPods().some((p) => p.status.containerStatuses?.[0]?.ready === true), 20_000, 'a ready app container');
  const pod = checkoutPods().find((p) => p.status.containerStatuses?.[0]?.ready) as Pod;
  const exec = await kubectl.run(['exec', pod.metadata.name, '-n', 'shop', '-c', 'app', '--', 'cat', '/proc/1/smaps_rollup']);
  expect(exec.code).toBe(0);
  expect(exec.stdout).toMatch(/^Rss:\s+\d+ kB$/m);
  const failing = await kubectl.run(['exec', pod.metadata.name, '-n', 'shop', '-c', 'app', '--', 'cat', '/no/such/file']);
  expect(failing.code).toBe(1);
  expect(failing.stderr).toContain('cat: /no/such/file: No such file or directory');
});

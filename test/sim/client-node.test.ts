/**
 * The simulator through @kubernetes/client-node 1.4, the client the bot's cluster adapter uses:
 * typed reads and lists with selectors, patches of each content type, dry runs, Leases with
 * optimistic concurrency, the pod proxy, exec over WebSocket, and a watch that sees every change
 * after a list's resourceVersion exactly once.
 */
import { Writable } from 'node:stream';
import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  Exec,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1Status,
} from '@kubernetes/client-node';
import type { Pod } from '../../src/sim/k8s-types.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { pollUntil } from './helpers/poll.js';

let sim: Simulator;
let kc: KubeConfig;

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeconfig());
});

afterEach(async () => {
  await sim.close();
});

const raiseTo = (memory: string) => ({
  spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory } } }] } } },
});
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function checkoutPods(): Pod[] {
  return sim.listObjects<Pod>('Pod', 'shop').filter((p) => p.metadata.labels?.app === 'checkout');
}

async function rolledOut(): Promise<Pod> {
  await sim.waitFor(() => {
    const pods = checkoutPods();
    return pods.length === 1 && pods[0]?.status.containerStatuses?.[0]?.ready === true && pods[0].spec.initContainers?.[0]?.resources?.limits?.memory === '128Mi';
  }, 20_000, 'the patched rollout');
  return checkoutPods()[0] as Pod;
}

async function apiError(promise: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<string>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Runs a command through client-node's Exec and collects its output and final Status. */
function execIn(pod: string, container: string, command: string[]): Promise<{ stdout: string; stderr: string; status: V1Status }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString('utf8'));
        done();
      },
    });
  return new Promise((resolve, reject) => {
    new Exec(kc)
      .exec('shop', pod, container, command, sink((s) => (stdout += s)), sink((s) => (stderr += s)), null, false, (status) => resolve({ stdout, stderr, status }))
      .catch(reject);
  });
}

test('reads and lists pods with label and field selectors', async () => {
  const core = kc.makeApiClient(CoreV1Api);
  await sim.waitFor(() => checkoutPods().length === 1, 10_000, 'the checkout pod');
  const name = (checkoutPods()[0] as Pod).metadata.name;
  const pod = await core.readNamespacedPod({ namespace: 'shop', name });
  expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
  expect(pod.metadata?.labels?.['pod-template-hash']).toMatch(/^[a-z0-9]+$/);

  const byLabel = await core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=checkout,tier!=db,app in (checkout,cart)' });
  expect(byLabel.items.map((p) => p.metadata?.name)).toEqual([name]);
  const byField = await core.listNamespacedPod({ namespace: 'shop', fieldSelector: `metadata.name=${name},status.phase=Pending` });
  expect(byField.items).toHaveLength(1);
  const none = await core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'status.phase=Running' });
  expect(none.items).toHaveLength(0);
  expect(Number(byLabel.metadata?.resourceVersion)).toBeGreaterThan(0);

  const denied = await apiError(core.readNamespacedPod({ namespace: 'secure', name: 'x' }));
  expect(denied.code).toBe(403);
  expect(JSON.parse(denied.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
});

test('strategic merge patch with dryRun=All returns the result without storing it, then for real', async () => {
  const apps = kc.makeApiClient(AppsV1Api);
  const before = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'checkout' });
  const dry = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: raiseTo('128Mi'), dryRun: 'All', fieldManager: 'oom-check' }, strategic);
  expect(dry.spec?.template.spec?.initContainers?.[0]?.resources?.limits?.memory).toBe('128Mi');
  expect(dry.spec?.template.spec?.initContainers?.[0]?.resources?.requests?.memory).toBe('32Mi');
  expect(dry.spec?.template.spec?.containers[0]?.name).toBe('app');
  expect(dry.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
  expect(sim.getObject('Deployment', 'shop', 'checkout')?.metadata.generation).toBe(before.metadata?.generation);
  expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);

  const real = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: raiseTo('128Mi'), fieldManager: 'oom-check' }, strategic);
  expect(real.metadata?.managedFields?.some((f) => f.manager === 'oom-check')).toBe(true);
  expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
  const pod = await rolledOut();
  const deployment = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'checkout' });
  await sim.waitFor(() => sim.getObject<{ metadata: { name: string }; status?: { availableReplicas?: number } }>('Deployment', 'shop', 'checkout')?.status?.availableReplicas === 1, 10_000, 'deployment status');
  expect(deployment.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  expect(pod.metadata.ownerReferences?.[0]?.name).toMatch(/^checkout-[a-z0-9]+$/);
  const status = (await apps.readNamespacedDeployment({ namespace: 'shop', name: 'checkout' })).status;
  expect(status).toMatchObject({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
  expect(status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
    ['Available', 'True', 'MinimumReplicasAvailable'],
    ['Progressing', 'True', 'NewReplicaSetAvailable'],
  ]);
});

test('json-patch (the default type) and merge-patch work; unknown types are 415; bad quantities 422 in both shapes', async () => {
  const apps = kc.makeApiClient(AppsV1Api);
  const jsonPatch = [{ op: 'replace', path: '/spec/template/spec/initContainers/0/resources/limits/memory', value: '80Mi' }];
  const a = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: jsonPatch });
  expect(a.spec?.template.spec?.initContainers?.[0]?.resources?.limits?.memory).toBe('80Mi');
  const b = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: { metadata: { annotations: { note: 'x' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  expect(b.metadata?.annotations?.note).toBe('x');

  const unsupported = await apiError(apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: {} }, setHeaderOptions('Content-Type', 'application/xml')));
  expect(unsupported.code).toBe(415);
  expect(JSON.parse(unsupported.body)).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });

  // A value that is no quantity fails the decode: 422 on field "patch", no kind or name in details.
  const undecodable = await apiError(apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: raiseTo('lots') }, strategic));
  expect(undecodable.code).toBe(422);
  const decodeStatus = JSON.parse(undecodable.body);
  expect(decodeStatus).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] } });
  expect(decodeStatus.details.name).toBeUndefined();
  expect(decodeStatus.message).toMatch(/^ "" is invalid: patch: Invalid value: "map\[spec:map\[template:.*memory:lots.*": quantities must match the regular expression/);
  // A quantity that decodes but is negative fails validation: the Deployment and the field are named.
  const invalid = await apiError(apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: raiseTo('-1Mi') }, strategic));
  expect(invalid.code).toBe(422);
  const status = JSON.parse(invalid.body);
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422, details: { name: 'checkout', group: 'apps', kind: 'Deployment' } });
  expect(status.details.causes[0]).toEqual({ reason: 'FieldValueInvalid', field: 'spec.template.spec.initContainers[0].resources.limits[memory]', message: 'Invalid value: "-1Mi": must be greater than or equal to 0' });

  const missing = await apiError(apps.readNamespacedDeployment({ namespace: 'shop', name: 'nope' }));
  expect(JSON.parse(missing.body)).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "nope" not found', code: 404 });
});

test('leases: create, get, update with optimistic concurrency', async () => {
  const leases = kc.makeApiClient(CoordinationV1Api);
  const now = new Date();
  const created = await leases.createNamespacedLease({
    namespace: 'oom-check',
    body: { metadata: { name: 'oom-check-leader' }, spec: { holderIdentity: 'bot-a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now } },
  });
  expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
  const again = await apiError(leases.createNamespacedLease({ namespace: 'oom-check', body: { metadata: { name: 'oom-check-leader' }, spec: {} } }));
  expect(again.code).toBe(409);
  expect(JSON.parse(again.body).reason).toBe('AlreadyExists');

  const read = await leases.readNamespacedLease({ namespace: 'oom-check', name: 'oom-check-leader' });
  expect(read.spec?.holderIdentity).toBe('bot-a');
  const renewed = await leases.replaceNamespacedLease({ namespace: 'oom-check', name: 'oom-check-leader', body: { ...read, spec: { ...read.spec, holderIdentity: 'bot-b' } } });
  expect(renewed.spec?.holderIdentity).toBe('bot-b');
  const stale = await apiError(leases.replaceNamespacedLease({ namespace: 'oom-check', name: 'oom-check-leader', body: { ...read, spec: { ...read.spec, holderIdentity: 'bot-c' } } }));
  expect(stale.code).toBe(409);
  expect(JSON.parse(stale.body).reason).toBe('Conflict');
  const noNamespace = await apiError(leases.createNamespacedLease({ namespace: 'ghost', body: { metadata: { name: 'l' }, spec: {} } }));
  expect(noNamespace.code).toBe(404);
});

test('the pod proxy decodes client-node encoding; the crash-looping init binary answers nothing (503)', async () => {
  const core = kc.makeApiClient(CoreV1Api);
  await sim.waitFor(() => Boolean(checkoutPods()[0]?.status.podIP), 10_000, 'a pod IP');
  const pod = checkoutPods()[0] as Pod;
  const refused = await apiError(core.connectGetNamespacedPodProxyWithPath({ namespace: 'shop', name: `${pod.metadata.name}:8080`, path: 'debug/image-info' }));
  expect(refused.code).toBe(503);
  expect(JSON.parse(refused.body)).toMatchObject({ reason: 'ServiceUnavailable', message: `error trying to reach service: dial tcp ${pod.status.podIP}:8080: connect: connection refused` });
  expect(sim.requests().at(-1)?.path).toBe(`/api/v1/namespaces/shop/pods/${pod.metadata.name}%3A8080/proxy/debug%2Fimage-info`);

  const nothing = await apiError(core.connectGetNamespacedPodProxyWithPath({ namespace: 'shop', name: `${pod.metadata.name}:9090`, path: 'healthz' }));
  expect(nothing.code).toBe(503);
});

test('exec reads smaps_rollup of the running app; Rss follows its memory and VmHWM keeps the peak', async () => {
  const apps = kc.makeApiClient(AppsV1Api);
  await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: raiseTo('128Mi') }, strategic);
  const pod = await rolledOut();
  const rss = await pollUntil(async () => {
    const { stdout, status } = await execIn(pod.metadata.name, 'app', ['cat', '/proc/1/smaps_rollup']);
    expect(status.status).toBe('Success');
    const kb = Number(/^Rss:\s+(\d+) kB$/m.exec(stdout)?.[1]);
    return kb === 110 * 1024 ? kb : undefined;
  }, 'Rss to settle at the steady 110Mi');
  expect(rss).toBe(110 * 1024);
  const status = await execIn(pod.metadata.name, 'app', ['sh', '-c', 'cat /proc/1/status']);
  expect(status.stdout).toMatch(new RegExp(`^VmHWM:\\s+${150 * 1024} kB$`, 'm'));
  const failed = await execIn(pod.metadata.name, 'app', ['cat', '/missing']);
  expect(failed.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '1' }] } });
  expect(failed.stderr).toContain('No such file or directory');
  const limit = await execIn(pod.metadata.name, 'app', ['cat', '/sys/fs/cgroup/memory.max']);
  expect(limit.stdout.trim()).toBe(String(256 * 1024 * 1024));
});

test('exec into a container that is not running is refused before the upgrade', async () => {
  await sim.waitFor(() => Boolean(checkoutPods()[0]?.status.containerStatuses), 10_000, 'container statuses');
  const name = (checkoutPods()[0] as Pod).metadata.name;
  // client-node rejects with the WebSocket's ErrorEvent, not an Error.
  await expect(execIn(name, 'app', ['cat', '/proc/1/smaps_rollup'])).rejects.toMatchObject({ message: expect.stringContaining('400') });
  expect(sim.requests().at(-1)).toMatchObject({ status: 400 });
});

test('a watch from a list resourceVersion sees every later change exactly once', async () => {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  await sim.waitFor(() => checkoutPods().some((p) => (p.status.initContainerStatuses?.[0]?.restartCount ?? 0) > 0), 20_000, 'a restart');
  const list = await core.listNamespacedPod({ namespace: 'shop' });
  const from = list.metadata?.resourceVersion as string;
  const seen: string[] = [];
  const controller = await new Watch(kc).watch(
    '/api/v1/namespaces/shop/pods',
    { resourceVersion: from, allowWatchBookmarks: true },
    (type, obj: Pod) => {
      if (type !== 'BOOKMARK') seen.push(`${type} ${obj.metadata.name} ${obj.metadata.resourceVersion}`);
    },
    () => undefined,
  );
  try {
    await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'checkout', body: raiseTo('128Mi') }, strategic);
    await rolledOut();
    const expected = () =>
      sim
        .changesSince(from, 'Pod')
        .filter((c) => c.namespace === 'shop')
        .map((c) => `${c.type} ${c.name} ${c.resourceVersion}`);
    await pollUntil(async () => (JSON.stringify(seen) === JSON.stringify(expected()) ? true : undefined), 'the watch to catch up');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.some((s) => s.startsWith('DELETED '))).toBe(true);
    expect(seen.some((s) => s.startsWith('ADDED '))).toBe(true);
    expect(seen.some((s) => s.startsWith('MODIFIED '))).toBe(true);
  } finally {
    controller.abort();
  }
});

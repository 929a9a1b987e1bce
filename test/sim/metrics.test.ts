/**
 * GET /metrics: the pod families of kube-state-metrics and cAdvisor's working set, in Prometheus'
 * text format, checked by the real `promtool check metrics` and a strict parser, with the names,
 * label sets and values the real exporters give for the seed's crash-looping init container.
 */
import { execFile } from 'node:child_process';
import type { Pod } from '../../src/sim/k8s-types.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { parseExposition, samplesOf, type ParsedFamily } from '../support/prometheus-exposition.js';
import { pollUntil } from './helpers/poll.js';

const PROMTOOL = '/usr/bin/promtool';
let sim: Simulator;
afterEach(async () => sim.close());

async function scrape(): Promise<{ text: string; contentType: string; families: ParsedFamily[] }> {
  const res = await fetch(`${sim.url}/metrics`);
  const text = await res.text();
  return { text, contentType: res.headers.get('content-type') ?? '', families: parseExposition(text) };
}

function promtool(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}

const checkoutPod = () => sim.listObjects<Pod>('Pod', 'shop').find((p) => p.metadata.labels?.app === 'checkout');

test('seed: kube-state-metrics families with the real names, labels and values; promtool finds nothing to say', async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  await sim.waitFor(() => (checkoutPod()?.status.initContainerStatuses?.[0]?.restartCount ?? 0) >= 2, 20_000, 'two restarts');
  const { text, contentType, families } = await scrape();
  expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(await promtool(text)).toEqual({ code: 0, output: '' });
  const pod = checkoutPod() as Pod;
  const who = { namespace: 'shop', pod: pod.metadata.name, uid: pod.metadata.uid as string };

  const last = samplesOf(families, 'kube_pod_init_container_status_last_terminated_reason', who);
  expect(last).toEqual([expect.objectContaining({ labels: { ...who, container: 'migrate', reason: 'OOMKilled' }, labelOrder: ['namespace', 'pod', 'uid', 'container', 'reason'], value: 1 })]);
  expect(samplesOf(families, 'kube_pod_init_container_status_last_terminated_exitcode', who)[0]?.value).toBe(137);
  const restarts = samplesOf(families, 'kube_pod_init_container_status_restarts_total', { ...who, container: 'migrate' })[0]?.value ?? 0;
  expect(restarts).toBeGreaterThanOrEqual(2);
  expect(restarts).toBeLessThanOrEqual(checkoutPod()?.status.initContainerStatuses?.[0]?.restartCount ?? 0);
  expect(families.find((f) => f.name === 'kube_pod_init_container_status_restarts_total')).toMatchObject({ type: 'counter', help: '[STABLE] The number of restarts for the init container.' });
  expect(samplesOf(families, 'kube_pod_container_status_restarts_total', { ...who, container: 'app' })[0]?.value).toBe(0);
  expect(samplesOf(families, 'kube_pod_container_status_last_terminated_reason', who)).toEqual([]);

  expect(samplesOf(families, 'kube_pod_init_container_resource_limits', who)).toEqual([
    expect.objectContaining({ labels: { ...who, container: 'migrate', node: 'sim-node-1', resource: 'memory', unit: 'byte' }, value: 64 * 1024 * 1024 }),
  ]);
  expect(samplesOf(families, 'kube_pod_container_resource_limits', { ...who, container: 'app', resource: 'memory' })[0]?.value).toBe(256 * 1024 * 1024);
  expect(text).toContain(`kube_pod_init_container_resource_limits{namespace="shop",pod="${who.pod}",uid="${who.uid}",container="migrate",node="sim-node-1",resource="memory",unit="byte"} 6.7108864e+07\n`);
  const rs = pod.metadata.ownerReferences?.[0]?.name as string;
  expect(samplesOf(families, 'kube_pod_owner', who)).toEqual([expect.objectContaining({ labels: { ...who, owner_kind: 'ReplicaSet', owner_name: rs, owner_is_controller: 'true' }, value: 1 })]);
  const waitingOrTerminated = [
    ...samplesOf(families, 'kube_pod_init_container_status_waiting_reason', who).map((s) => s.labels.reason),
    ...samplesOf(families, 'kube_pod_init_container_status_terminated_reason', who).map((s) => s.labels.reason),
  ];
  expect(waitingOrTerminated.every((r) => ['CrashLoopBackOff', 'OOMKilled', 'PodInitializing'].includes(r as string))).toBe(true);
  expect(samplesOf(families, 'kube_pod_container_status_waiting_reason', { ...who, container: 'app' })[0]?.labels.reason).toBe('PodInitializing');
  // The image the init container runs, as ksm reads it from the status.
  expect(samplesOf(families, 'kube_pod_init_container_info', { ...who, container: 'migrate' })[0]?.labels).toMatchObject({
    image_spec: 'registry.example.com/shop/checkout-migrate:1.4.2',
    image: 'registry.example.com/shop/checkout-migrate:1.4.2',
    image_id: expect.stringMatching(/^registry\.example\.com\/shop\/checkout-migrate@sha256:[0-9a-f]{64}$/),
    restart_policy: '',
  });
});

test('cAdvisor: working set of the init container while it runs (not after its kill), and of the pod cgroup', async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.005 });
  const found = await pollUntil(async () => {
    const { families } = await scrape();
    const migrate = samplesOf(families, 'container_memory_working_set_bytes', { namespace: 'shop', container: 'migrate' })[0];
    return migrate ? { families, migrate } : undefined;
  }, 'a working-set series for migrate', 20_000, 2);
  const { families, migrate } = found;
  const pod = sim.getObject<Pod>('Pod', 'shop', migrate.labels.pod as string) as Pod;
  const uid = (pod.metadata.uid as string).replace(/-/g, '_');
  expect(migrate.labelOrder).toEqual(['container', 'id', 'image', 'name', 'namespace', 'pod']);
  expect(migrate.labels.id).toBe(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid}.slice/cri-containerd-${migrate.labels.name}.scope`);
  expect(migrate.labels.name).toMatch(/^[0-9a-f]{64}$/);
  expect(migrate.labels.image).toBe('registry.example.com/shop/checkout-migrate:1.4.2');
  expect(migrate.value).toBeGreaterThan(0);
  expect(migrate.value).toBeLessThanOrEqual(64 * 1024 * 1024);
  expect(Math.abs((migrate.timestampMs ?? 0) - Date.now())).toBeLessThan(60_000);
  expect(samplesOf(families, 'container_memory_working_set_bytes', { pod: pod.metadata.name, container: '', name: '', image: '' })[0]?.labels.id).toBe(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid}.slice`);

  // Once the kill is reported and the container waits in back-off, its cgroup and series are gone;
  // the pod's cgroup stays with the sandbox (its pause process).
  const waiting = () => {
    const s = checkoutPod()?.status.initContainerStatuses?.[0];
    return s?.state.waiting?.reason === 'CrashLoopBackOff' ? s.restartCount : undefined;
  };
  const after = await pollUntil(async () => {
    const before = waiting();
    if (before === undefined) return undefined;
    const series = samplesOf((await scrape()).families, 'container_memory_working_set_bytes', { namespace: 'shop', pod: pod.metadata.name });
    return waiting() === before ? series : undefined;
  }, 'a scrape during CrashLoopBackOff', 20_000, 2);
  expect(after.map((s) => [s.labels.container, s.value])).toEqual([['', 240 * 1024]]);
});

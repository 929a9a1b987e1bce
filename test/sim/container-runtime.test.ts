/**
 * What a running container exposes, read the way the product reads it: cgroup v2 files through exec
 * while an init container climbs toward its limit (and nothing once it is killed), Go's expvar
 * through the pod proxy following the memory curve, and the image facts the runtime reports.
 */
import type { ContainerStatus, Pod } from '../../src/sim/k8s-types.js';
import type { Node } from '../../src/sim/node-object.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call } from './helpers/api.js';
import { execRaw } from './helpers/exec.js';
import { pollUntil } from './helpers/poll.js';

let sim: Simulator;
afterEach(async () => sim.close());

const MiB = 1024 * 1024;
const podOf = (ns: string, app: string) => sim.listObjects<Pod>('Pod', ns).find((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
const initStatus = (pod: Pod | undefined): ContainerStatus | undefined => pod?.status.initContainerStatuses?.[0];

test('needs-300mi at real speed: memory.current rises, memory.peak keeps the top, memory.max is the limit, memory.events is all zeros, until the kill', async () => {
  sim = await startSimulator({ scenario: 'needs-300mi', timeScale: 1 });
  await sim.waitFor(() => Boolean(initStatus(podOf('shop', 'ledger-import'))?.state.running), 10_000, 'import running');
  const pod = podOf('shop', 'ledger-import') as Pod;
  const samples: Array<{ current: number; peak: number }> = [];
  let events = '';
  let max = '';
  for (;;) {
    const read = await execRaw(sim.url, 'shop', pod.metadata.name, 'import', ['cat', '/sys/fs/cgroup/memory.current', '/sys/fs/cgroup/memory.peak', '/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory.events']);
    if (!read.ok) {
      // The kill took the cgroup with it: exec is refused before the upgrade.
      expect(read.httpStatus).toBe(400);
      expect(read.body).toMatch(/container \\"import\\" in pod .* (has terminated \(OOMKilled\)|is waiting to start)/);
      break;
    }
    const [current = '', peak = '', limit = '', ...rest] = read.stdout.split('\n');
    samples.push({ current: Number(current), peak: Number(peak) });
    max = limit;
    events = rest.join('\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // The kill comes 4 s x (64Mi - 16Mi) / (352.94Mi - 16Mi) = 0.57 s after the start: several samples fit.
  expect(samples.length).toBeGreaterThanOrEqual(3);
  expect(max).toBe(String(64 * MiB));
  expect(events).toBe('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n');
  for (const [i, s] of samples.entries()) {
    expect(s.current).toBeGreaterThanOrEqual(16 * MiB);
    expect(s.current).toBeLessThanOrEqual(64 * MiB);
    expect(s.peak).toBeGreaterThanOrEqual(s.current);
    if (i > 0) expect(s.current).toBeGreaterThanOrEqual(samples[i - 1]?.current ?? 0);
  }
  await sim.waitFor(() => initStatus(sim.getObject<Pod>('Pod', 'shop', pod.metadata.name))?.lastState.terminated?.reason === 'OOMKilled' || initStatus(sim.getObject<Pod>('Pod', 'shop', pod.metadata.name))?.state.terminated?.reason === 'OOMKilled', 10_000, 'the OOM kill');
});

type Field = 'Alloc' | 'TotalAlloc' | 'Sys' | 'HeapAlloc' | 'HeapSys' | 'HeapIdle' | 'HeapInuse' | 'HeapReleased' | 'StackSys' | 'MSpanSys' | 'MCacheSys' | 'BuckHashSys' | 'GCSys' | 'OtherSys';
interface Vars {
  cmdline: string[];
  memstats: Record<Field, number> & { PauseNs: number[]; BySize: Array<{ Size: number }> };
}

test('expvar-app: /debug/vars while the app runs, memstats following the leak (Sys = its memory, HeapSys 75 %), 503 once killed', async () => {
  sim = await startSimulator({ scenario: 'expvar-app', timeScale: 0.01 });
  const path = () => `/api/v1/namespaces/shop/pods/${podOf('shop', 'pricing')?.metadata.name}:8080/proxy/debug/vars`;
  const reads = await pollUntil(async () => {
    const res = await call(sim.url, 'GET', path());
    if (res.status !== 200) return undefined;
    const second = await call(sim.url, 'GET', path());
    return second.status === 200 ? [res, second] : undefined;
  }, 'two expvar reads in one run', 20_000, 5);
  const [first, second] = reads as [Awaited<ReturnType<typeof call>>, Awaited<ReturnType<typeof call>>];
  expect(first.contentType).toBe('application/json; charset=utf-8');
  expect(first.text).toMatch(/^\{\n"cmdline": \["\/usr\/local\/bin\/pricing"\],\n"memstats": \{"Alloc":\d+,"TotalAlloc":\d+,"Sys":\d+,/);
  expect(first.text.endsWith('}\n}\n')).toBe(true);
  const [a, b] = [first.json<Vars>(), second.json<Vars>()];
  for (const { memstats: m } of [a, b]) {
    expect(m.Sys).toBeGreaterThanOrEqual(40 * MiB);
    expect(m.Sys).toBeLessThanOrEqual(128 * MiB);
    expect(m.HeapSys).toBe(Math.floor((m.Sys * 0.75) / 8192) * 8192);
    expect(m.HeapIdle + m.HeapInuse).toBe(m.HeapSys);
    expect(m.HeapReleased).toBeLessThanOrEqual(m.HeapIdle);
    expect(m.HeapAlloc).toBe(m.Alloc);
    expect(m.HeapSys + m.StackSys + m.MSpanSys + m.MCacheSys + m.BuckHashSys + m.GCSys + m.OtherSys).toBe(m.Sys);
    expect(m.PauseNs).toHaveLength(256);
    expect(m.BySize).toHaveLength(61);
  }
  expect(b.memstats.Sys).toBeGreaterThanOrEqual(a.memstats.Sys);
  expect(b.memstats.TotalAlloc).toBeGreaterThanOrEqual(a.memstats.TotalAlloc);

  await sim.waitFor(() => podOf('shop', 'pricing')?.status.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff', 20_000, 'CrashLoopBackOff');
  const refused = await call(sim.url, 'GET', path());
  expect(refused.status).toBe(503);
  expect(podOf('shop', 'pricing')?.status.containerStatuses?.[0]?.lastState.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
});

test('image facts: repo tag and repo digest (containerd), short names normalized, an untagged digest reference kept, node image names', async () => {
  const pinned = `registry.example.com/tools/probe@sha256:${'c'.repeat(64)}`;
  sim = await startSimulator({
    scenario: parseScenario(
      `namespaces: [{ name: lab }]
workloads:
  - kind: Pod
    name: p
    namespace: lab
    initContainers: [{ name: probe, image: "${pinned}", sizeBytes: 5242880, peakMemory: 8Mi, runSeconds: 1 }]
    containers:
      - { name: web, image: "nginx:1.27", peakMemory: 8Mi }
      - { name: api, image: registry.example.com/shop/api:3.0.0, digest: "sha256:${'d'.repeat(64)}", sizeBytes: 52428800, peakMemory: 8Mi }`,
      'inline.yaml',
    ),
    timeScale: 0.001,
  });
  await sim.waitFor(() => sim.getObject<Pod>('Pod', 'lab', 'p')?.status.containerStatuses?.every((s) => s.state.running) ?? false, 10_000, 'running');
  const pod = sim.getObject<Pod>('Pod', 'lab', 'p') as Pod;
  const facts = (s?: ContainerStatus) => [s?.image, s?.imageID];
  expect(facts(pod.status.initContainerStatuses?.[0])).toEqual([pinned, pinned]);
  expect(facts(pod.status.containerStatuses?.[0])).toEqual(['docker.io/library/nginx:1.27', expect.stringMatching(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/)]);
  expect(facts(pod.status.containerStatuses?.[1])).toEqual(['registry.example.com/shop/api:3.0.0', `registry.example.com/shop/api@sha256:${'d'.repeat(64)}`]);
  const images = sim.getObject<Node>('Node', undefined, 'sim-node-1')?.status.images ?? [];
  expect(images.find((i) => i.names[0] === pinned)).toEqual({ names: [pinned], sizeBytes: 5242880 });
  expect(images.find((i) => i.names.includes('registry.example.com/shop/api:3.0.0'))).toEqual({ names: [`registry.example.com/shop/api@sha256:${'d'.repeat(64)}`, 'registry.example.com/shop/api:3.0.0'], sizeBytes: 52428800 });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { KubeCluster } from '../../../src/adapters/k8s/kube-cluster.js';
import { loadKubeConfig } from '../../../src/adapters/k8s/load-kube-config.js';
import type { Pod } from '../../../src/core/k8s-types.js';
import { startSimulator, type Simulator } from '../../../src/sim/start-simulator.js';
import { podOf } from '../../support/sim-pods.js';

/**
 * The kubeconfig a `kubectl proxy` user has: a plain http:// server, no TLS settings, no user.
 * kubectl accepts it; client-node on its own refuses it ("HTTP protocol is not allowed when
 * skipTLSVerify is not set"). Every path the adapter takes must work with it.
 */
function proxyKubeconfig(server: string, withUser: boolean): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'proxy', cluster: { server } }],
    contexts: [{ name: 'proxy', context: withUser ? { cluster: 'proxy', user: 'nobody' } : { cluster: 'proxy' } }],
    ...(withUser ? { users: [{ name: 'nobody', user: {} }] } : {}),
    'current-context': 'proxy',
  });
}

const running = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.containerStatuses ?? []).every((status) => status.ready === true);

describe.each([
  ['without a user', false],
  ['with an empty user', true],
])('a kubeconfig with a plain http:// server (kubectl proxy), %s', (_label, withUser) => {
  let sim: Simulator;
  let dir: string;
  let cluster: KubeCluster;
  let pod: string;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'healthy', timeScale: 0.001 });
    dir = mkdtempSync(join(tmpdir(), 'oom-check-kubeconfig-'));
    const file = join(dir, 'config');
    writeFileSync(file, proxyKubeconfig(sim.url, withUser));
    cluster = new KubeCluster(loadKubeConfig({ kubeconfig: file, context: null }));
    pod = await podOf(sim, 'shop', 'catalog-', running);
  });

  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the server is reached as given, over http', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('ping (GET /version) answers', async () => {
    await expect(cluster.ping()).resolves.toBeUndefined();
  });

  test('a pod is read and listed through client-node', async () => {
    expect((await cluster.getPod('shop', pod)).metadata.name).toBe(pod);
    const pods = await cluster.listPods('shop', 'app=catalog');
    expect(pods.map((p) => p.metadata.name)).toContain(pod);
    expect(await cluster.findPodNamespaces(pod, [])).toEqual(['shop']);
  });

  test('a GET through the pod proxy (rawGet) reaches the app', async () => {
    const response = await cluster.proxyGet('shop', pod, 8080, '/healthz', 5_000);
    expect(response.status).toBe(200);
  });

  test('exec runs over a ws:// socket', async () => {
    const result = await cluster.exec('shop', pod, 'app', ['cat', '/proc/1/smaps_rollup'], 5_000);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^Rss:\s+\d+ kB$/m);
  });
  test('a deleted pod is replaced, and the watch (rawWatch) sees its replacement start', async () => {
    const before = new Set((await cluster.listPods('shop', 'app=catalog')).map((p) => p.metadata.name));
    await cluster.deletePod('shop', pod);
    const replaced = (pods: Pod[]) => pods.some((p) => !before.has(p.metadata.name) && running(p));
    const outcome = await cluster.watchPods('shop', 'app=catalog', replaced, { timeoutMs: 10_000 });
    expect(outcome).toBe('done');
    expect(sim.requests().some((request) => request.method === 'DELETE' && request.path.endsWith(`/pods/${pod}`))).toBe(true);
    expect(sim.requests().some((request) => /[?&]watch=true/.test(request.query))).toBe(true);
  });
});

test('an https:// cluster keeps TLS verification as its kubeconfig says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-kubeconfig-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'tls', cluster: { server: 'https://127.0.0.1:6443' } },
          { name: 'proxy', cluster: { server: 'http://127.0.0.1:8001' } },
        ],
        contexts: [
          { name: 'tls', context: { cluster: 'tls' } },
          { name: 'proxy', context: { cluster: 'proxy' } },
        ],
        'current-context': 'tls',
      }),
    );
    const kc = loadKubeConfig({ kubeconfig: file, context: null });
    expect(kc.getCluster('tls')?.skipTLSVerify).toBe(false);
    expect(kc.getCluster('proxy')?.skipTLSVerify).toBe(true);
    expect(kc.getCurrentContext()).toBe('tls');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

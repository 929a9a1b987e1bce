/**
 * Pod proxy reachability as a real API server reports it: a port belongs to whichever container's
 * process listens on it now. Nobody listening (the container waits, crash-loops, has exited, or its
 * server is not up yet) is 503 "error trying to reach service: dial tcp IP:PORT: connect:
 * connection refused" (apimachinery util/proxy/transport.go); a listener that does not serve the
 * path is a 404.
 */
import type { Pod } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call } from './helpers/api.js';

let sim: Simulator;
afterEach(async () => sim.close());

const proxy = (pod: string, port: number, path: string) => call(sim.url, 'GET', `/api/v1/namespaces/shop/pods/${pod}:${port}/proxy/${path}`);
const state = (pod: Pod | undefined, init: boolean) => (init ? pod?.status.initContainerStatuses : pod?.status.containerStatuses)?.[0]?.state;

test('seed: the crash-looping init container answers nothing, image-info and /healthz alike (503 connection refused)', async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  const name = () => sim.listObjects<Pod>('Pod', 'shop').find((p) => p.metadata.labels?.app === 'checkout')?.metadata.name ?? '';
  await sim.waitFor(() => state(sim.getObject<Pod>('Pod', 'shop', name()), true)?.waiting?.reason === 'CrashLoopBackOff', 20_000, 'CrashLoopBackOff');
  const pod = sim.getObject<Pod>('Pod', 'shop', name()) as Pod;
  for (const path of ['debug/image-info', 'healthz']) {
    const res = await proxy(pod.metadata.name, 8080, path);
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({
      kind: 'Status',
      code: 503,
      reason: 'ServiceUnavailable',
      message: `error trying to reach service: dial tcp ${pod.status.podIP}:8080: connect: connection refused`,
    });
  }
});

test('a port moves from the init container to the app container; a server answers only once it listens', async () => {
  const text = `
namespaces: [{ name: shop }]
workloads:
  - kind: Pod
    name: web
    namespace: shop
    initContainers:
      - name: setup
        image: s:1
        peakMemory: 8Mi
        runSeconds: 2000
        ports: [8080]
        http: { listenAfterSeconds: 400, imageInfo: { layers: [{ digest: "sha256:${'a'.repeat(64)}", size: 1 }], go: { version: go1.22.1, cgo_enabled: false }, binary: { size: 1, symtab_ratio: 0.1 } } }
    containers:
      - { name: app, image: a:1, peakMemory: 8Mi, ports: [8080], http: { health: ok } }
`;
  sim = await startSimulator({ scenario: parseScenario(text, 'inline.yaml'), timeScale: 0.001 });
  await sim.waitFor(() => Boolean(state(sim.getObject<Pod>('Pod', 'shop', 'web'), true)?.running), 10_000, 'setup running');
  expect((await proxy('web', 8080, 'debug/image-info')).status).toBe(503);
  // 400 sim seconds are 0.4 s here; the init container runs for 2 s in all.
  await new Promise((resolve) => setTimeout(resolve, 450));
  expect(state(sim.getObject<Pod>('Pod', 'shop', 'web'), true)?.running).toBeDefined();
  expect((await proxy('web', 8080, 'debug/image-info')).status).toBe(200);
  const healthDuringInit = await proxy('web', 8080, 'healthz');
  expect([healthDuringInit.status, healthDuringInit.text]).toEqual([404, '404 page not found\n']);

  await sim.waitFor(() => Boolean(state(sim.getObject<Pod>('Pod', 'shop', 'web'), false)?.running), 10_000, 'app running');
  expect((await proxy('web', 8080, 'healthz')).text).toBe('ok\n');
  expect((await proxy('web', 8080, 'debug/image-info')).status).toBe(404);
});

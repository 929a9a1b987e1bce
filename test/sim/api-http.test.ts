/**
 * The wire, byte for byte where clients care: discovery documents, Status errors, server-side
 * tables, watch streams (initial events, selectors moving objects in and out, bookmarks, timeouts),
 * the pod proxy's endpoint behaviours and the exec channel protocol.
 */
import WebSocket from 'ws';
import type { Pod } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call, raiseInit, strategicPatch } from './helpers/api.js';
import { readWatch } from './helpers/watch.js';

let sim: Simulator;

afterEach(async () => {
  await sim.close();
});

describe('discovery and errors', () => {
  beforeEach(async () => {
    sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  });

  test('/version says 1.32 and the discovery documents list verbs, kinds and short names', async () => {
    expect((await call(sim.url, 'GET', '/version')).json()).toMatchObject({ major: '1', minor: '32', gitVersion: expect.stringMatching(/^v1\.32\./) });
    expect((await call(sim.url, 'GET', '/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call(sim.url, 'GET', '/apis')).json<{ kind: string; groups: Array<{ name: string }> }>();
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g) => g.name)).toEqual(['apps', 'coordination.k8s.io']);
    const core = (await call(sim.url, 'GET', '/api/v1')).json<{ kind: string; resources: Array<Record<string, unknown>> }>();
    expect(core.kind).toBe('APIResourceList');
    expect(core.resources.find((r) => r.name === 'pods')).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: expect.arrayContaining(['get', 'list', 'watch']) });
    expect(core.resources.map((r) => r.name)).toEqual(expect.arrayContaining(['events', 'namespaces', 'pods/exec', 'pods/proxy']));
    const apps = (await call(sim.url, 'GET', '/apis/apps/v1')).json<{ resources: Array<Record<string, unknown>> }>();
    expect(apps.resources.find((r) => r.name === 'deployments')).toMatchObject({ kind: 'Deployment', shortNames: ['deploy'], verbs: expect.arrayContaining(['patch']) });
    const coordination = (await call(sim.url, 'GET', '/apis/coordination.k8s.io/v1')).json<{ groupVersion: string; resources: Array<Record<string, unknown>> }>();
    expect(coordination.groupVersion).toBe('coordination.k8s.io/v1');
    expect(coordination.resources[0]).toMatchObject({ name: 'leases', verbs: expect.arrayContaining(['create', 'update']) });
  });

  test.each<[string, string, number, string]>([
    ['GET', '/no/such/path', 404, 'NotFound'],
    ['GET', '/apis/batch/v1/jobs', 404, 'NotFound'],
    ['POST', '/api/v1/namespaces/shop/pods', 405, 'MethodNotAllowed'],
    ['GET', '/api/v1/namespaces/secure/pods', 403, 'Forbidden'],
    ['GET', '/api/v1/namespaces/shop/pods?labelSelector=a%20in%20(b', 400, 'BadRequest'],
    ['GET', '/api/v1/namespaces/shop/pods?fieldSelector=spec.containers%3Dx', 400, 'BadRequest'],
    ['GET', '/api/v1/namespaces/shop/pods/p1/exec?command=ls', 400, 'BadRequest'],
  ])('%s %s -> %d %s as a Status', async (method, path, code, reason) => {
    const res = await call(sim.url, method, path, method === 'POST' ? {} : undefined, method === 'POST' ? { 'Content-Type': 'application/json' } : {});
    expect(res.status).toBe(code);
    expect(res.json()).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
  });

  test('the RBAC denial names the user, verb, resource, group and namespace', async () => {
    const res = await call(sim.url, 'GET', '/api/v1/namespaces/secure/pods/x');
    expect(res.json()).toMatchObject({
      message: 'pods "x" is forbidden: User "system:serviceaccount:oom-check:oom-check" cannot get resource "pods" in API group "" in the namespace "secure"',
      details: { name: 'x', kind: 'pods' },
    });
    const proxy = await call(sim.url, 'GET', '/api/v1/namespaces/secure/pods/x:8080/proxy/healthz');
    expect(proxy.json<{ message: string }>().message).toContain('cannot get resource "pods/proxy"');
    const all = (await call(sim.url, 'GET', '/apis/apps/v1/deployments')).json<{ items: Array<{ metadata: { namespace: string } }> }>();
    expect(all.items.map((d) => d.metadata.namespace)).toEqual(['shop']);
  });

  test('dryRun accepts only All; list items carry no kind; namespaces list', async () => {
    const bad = await strategicPatch(sim.url, '/apis/apps/v1/namespaces/shop/deployments/checkout?dryRun=Yes', raiseInit('migrate', '128Mi'));
    expect(bad.status).toBe(400);
    const list = (await call(sim.url, 'GET', '/apis/apps/v1/namespaces/shop/deployments')).json<{ kind: string; apiVersion: string; items: Array<Record<string, unknown>> }>();
    expect(list).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1' });
    expect(list.items[0]?.kind).toBeUndefined();
    const namespaces = (await call(sim.url, 'GET', '/api/v1/namespaces')).json<{ items: Array<{ metadata: { name: string } }> }>();
    expect(namespaces.items.map((n) => n.metadata.name)).toEqual(['default', 'kube-system', 'oom-check', 'secure', 'shop']);
  });

  test('Accept as=Table gets server-side rows with the pod status kubectl shows', async () => {
    await sim.waitFor(() => sim.listObjects<Pod>('Pod', 'shop').some((p) => (p.status.initContainerStatuses?.[0]?.restartCount ?? 0) > 0), 20_000, 'a restart');
    const res = await call(sim.url, 'GET', '/api/v1/namespaces/shop/pods', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    const table = res.json<{ kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { kind: string } }> }>();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.slice(0, 5).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(table.rows[0]?.cells[2]).toMatch(/^Init:(OOMKilled|CrashLoopBackOff|0\/1)$/);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
  });
});

describe('watch streams', () => {
  beforeEach(async () => {
    sim = await startSimulator({ scenario: 'healthy', timeScale: 0.001 });
  });

  test('without a resourceVersion the current objects come first as ADDED', async () => {
    await sim.waitFor(() => sim.listObjects('Pod', 'shop').length === 2, 10_000, 'two pods');
    const events = await readWatch(`${sim.url}/api/v1/namespaces/shop/pods?watch=true`, (e) => e.length >= 2);
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['ADDED', 'ADDED']);
    expect(events[0]?.object.kind).toBe('Pod');
  });

  test('a field selector turns an object entering it into ADDED', async () => {
    const list = (await call(sim.url, 'GET', '/api/v1/namespaces/shop/pods?fieldSelector=status.phase%3DRunning')).json<{ metadata: { resourceVersion: string } }>();
    const events = await readWatch(
      `${sim.url}/api/v1/namespaces/shop/pods?watch=1&fieldSelector=status.phase%3DRunning&resourceVersion=${list.metadata.resourceVersion}`,
      (e) => e.filter((x) => x.type === 'ADDED').length >= 2,
    );
    const added = events.filter((e) => e.type === 'ADDED');
    expect(added.every((e) => e.object.status?.phase === 'Running')).toBe(true);
  });

  test('sendInitialEvents ends the initial list with an annotated BOOKMARK; timeoutSeconds ends the stream', async () => {
    await sim.waitFor(() => sim.listObjects('Pod', 'shop').length === 2, 10_000, 'two pods');
    const events = await readWatch(`${sim.url}/api/v1/namespaces/shop/pods?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&timeoutSeconds=1`, () => false);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(Number(bookmark?.object.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(events.at(-1)?.type).toBe('BOOKMARK');
  });

  test('deleting a pod is MODIFIED (deletionTimestamp) then DELETED, and the ReplicaSet replaces it', async () => {
    const ready = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    await sim.waitFor(() => sim.listObjects<Pod>('Pod', 'shop').filter(ready).length === 2, 10_000, 'two ready pods');
    const victim = (sim.listObjects<Pod>('Pod', 'shop')[0] as Pod).metadata.name;
    const rv = (await call(sim.url, 'GET', '/api/v1/namespaces/shop/pods')).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const reading = readWatch(`${sim.url}/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3D${victim}`, (e) => e.some((x) => x.type === 'DELETED'));
    expect((await call(sim.url, 'DELETE', `/api/v1/namespaces/shop/pods/${victim}`)).status).toBe(200);
    const events = await reading;
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    await sim.waitFor(() => sim.listObjects<Pod>('Pod', 'shop').filter((p) => p.metadata.name !== victim).length === 2, 10_000, 'a replacement pod');
  });
});

describe('pod proxy endpoints and exec', () => {
  const SCENARIO = `
namespaces: [{ name: web }]
workloads:
  - kind: Pod
    name: svc
    namespace: web
    initContainers:
      - { name: init, image: i:1, peakMemory: 8Mi, runSeconds: 1 }
    containers:
      - name: app
        image: a:1
        peakMemory: 64Mi
        steadyMemory: 48Mi
        limits: { memory: 128Mi }
        ports: [8080, 9090]
        http: { health: failing, imageInfo: malformed }
        exec: [{ command: [cat, /etc/os-release], stdout: "ID=alpine\\n" }]
      - { name: slow, image: s:1, peakMemory: 8Mi, ports: [7070], http: { health: slow, healthDelaySeconds: 0.05 } }
`;
  beforeEach(async () => {
    sim = await startSimulator({ scenario: parseScenario(SCENARIO, 'inline.yaml'), timeScale: 0.001 });
    await sim.waitFor(() => sim.getObject<Pod>('Pod', 'web', 'svc')?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false, 10_000, 'a ready pod');
  });

  test.each<[string, number, string]>([
    ['svc:8080/proxy/healthz', 500, 'unhealthy'],
    ['svc:8080/proxy/debug/image-info', 200, '{"layers":[{"digest":"sha256:'],
    ['svc:8080/proxy/other', 404, '404 page not found'],
    ['svc:9090/proxy/healthz', 503, 'connection refused'],
    ['svc:7070/proxy/healthz', 200, 'ok'],
    ['svc/proxy/healthz', 500, 'unhealthy'],
    ['ghost:8080/proxy/healthz', 404, 'pods \\"ghost\\" not found'],
  ])('GET %s -> %d', async (target, code, body) => {
    const res = await call(sim.url, 'GET', `/api/v1/namespaces/web/pods/${target}`);
    expect(res.status).toBe(code);
    expect(res.text).toContain(body);
  });

  test('a malformed image-info body is served as-is (invalid JSON)', async () => {
    const res = await call(sim.url, 'GET', '/api/v1/namespaces/web/pods/svc%3A8080/proxy/debug%2Fimage-info');
    expect(res.contentType).toBe('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
  });

  test.each(['v5.channel.k8s.io', 'v4.channel.k8s.io'])('exec over %s: channel-prefixed frames, then a Status on channel 3', async (protocol) => {
    const query = 'container=app&stdout=true&stderr=true&command=cat&command=%2Fetc%2Fos-release';
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/api/v1/namespaces/web/pods/svc/exec?${query}`, [protocol, 'channel.k8s.io']);
    const frames: Buffer[] = [];
    ws.on('message', (data: Buffer) => frames.push(data));
    await new Promise((resolve, reject) => {
      ws.on('close', resolve);
      ws.on('error', reject);
    });
    expect(ws.protocol).toBe(protocol);
    expect(frames.map((f) => f[0])).toEqual([1, 3]);
    expect(frames[0]?.subarray(1).toString()).toBe('ID=alpine\n');
    expect(JSON.parse(frames[1]?.subarray(1).toString() ?? '')).toEqual({ metadata: {}, status: 'Success' });
  });

  test('exec without a channel subprotocol is refused with 400', async () => {
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/api/v1/namespaces/web/pods/svc/exec?container=app&command=true`, ['channel.k8s.io']);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.on('error', () => undefined);
    });
    expect(status).toBe(400);
  });
});

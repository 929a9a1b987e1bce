import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../../../src/adapters/k8s/kube-cluster.js';
import { ClusterError } from '../../../src/core/cluster-error.js';

/**
 * Every pod list goes through one raw-JSON reader (the checklist's, the sweep's, the watches'):
 * what it asks the API server, and what it makes of answers a real one would not give.
 */
describe('KubeCluster.listPods over raw JSON', () => {
  let server: Server;
  let cluster: KubeCluster;
  let answer: { status: number; body: string };
  const asked: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    cluster = new KubeCluster(kc, { requestMs: 2_000, watchIdleMs: 2_000 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    asked.length = 0;
  });

  test('asks for the namespace and the selector, and answers the items as sent (timestamps untouched)', async () => {
    const pod = { metadata: { name: 'p', namespace: 'shop', creationTimestamp: '2026-12-01T10:00:00Z' } };
    answer = { status: 200, body: JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: '7' }, items: [pod] }) };
    expect(await cluster.listPods('shop', 'app=checkout,tier in (web)')).toEqual([pod]);
    expect(await cluster.listPods(null, '')).toEqual([pod]);
    expect(asked).toEqual(['/api/v1/namespaces/shop/pods?labelSelector=app%3Dcheckout%2Ctier+in+%28web%29', '/api/v1/pods']);
  });

  test('a refusal is a ClusterError that names the RBAC rule to add', async () => {
    answer = { status: 403, body: JSON.stringify({ kind: 'Status', message: 'pods is forbidden: User "oom-check" cannot list resource "pods"' }) };
    const error = await cluster.listPods('shop', '').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ code: 'Forbidden', status: 403 });
    expect((error as Error).message).toMatch(/needs RBAC verb "list" on resource "pods" in namespace shop/);
  });

  test.each([
    ['JSON without items', '{"kind":"Status"}', /has no items array/],
    ['null', 'null', /has no items array/],
    ['not JSON', '<html>proxy error</html>', /list pods in namespace shop failed: .*JSON/],
  ])('an answer of %s is a clear error, not a crash', async (_case, body, message) => {
    answer = { status: 200, body };
    const error = await cluster.listPods('shop', '').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'Unexpected' });
    expect((error as Error).message).toMatch(message);
  });
});

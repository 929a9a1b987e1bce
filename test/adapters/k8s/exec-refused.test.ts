import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../../../src/adapters/k8s/kube-cluster.js';
import { ClusterError } from '../../../src/core/cluster-error.js';
import { startSimulator, type Simulator } from '../../../src/sim/start-simulator.js';

/**
 * An exec the API server refuses (RBAC without the rss-peak grant, a pod gone) is a ClusterError
 * like any refused call. It used to be emitted as an 'error' on a stream nobody listened to,
 * which crashed the process (Jest reports that as an unhandled error).
 */
describe('exec refused by the API server', () => {
  let sim: Simulator;
  let cluster: KubeCluster;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
    const kc = new KubeConfig();
    kc.loadFromOptions(sim.kubeconfig());
    cluster = new KubeCluster(kc);
  });

  afterAll(() => sim.close());

  test('403: Forbidden, naming the verb and resource to grant', async () => {
    const error = await cluster.exec('secure', 'any-pod', 'app', ['cat', '/proc/1/smaps_rollup'], 5_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ code: 'Forbidden', status: 403 });
    expect((error as Error).message).toMatch(/verb "create" on resource "pods\/exec" in namespace secure/);
  });

  test('404: NotFound', async () => {
    const error = await cluster.exec('shop', 'no-such-pod', 'app', ['true'], 5_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NotFound', status: 404 });
  });

  test('the process is still fine afterwards', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(cluster.ping()).resolves.toBeUndefined();
  });
});

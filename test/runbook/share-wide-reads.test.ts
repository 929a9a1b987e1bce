import { ClusterError } from '../../src/core/cluster-error.js';
import { shareWideReads } from '../../src/runbook/share-wide-reads.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';

describe('shareWideReads: the cluster-wide pod list and the node list, shared for a moment', () => {
  let now = 0;
  const setup = () => {
    const fake = new FakeCluster().add(oomKilledPod('shop', 'a-1', 'a'), oomKilledPod('shop', 'b-1', 'b'));
    return { fake, cluster: shareWideReads(fake, 2000, () => now) };
  };
  beforeEach(() => (now = 0));

  test('concurrent and recent wide reads make one request; after the TTL, a fresh one', async () => {
    const { fake, cluster } = setup();
    const [first, second] = await Promise.all([cluster.listPods(null, ''), cluster.listPods(null, '')]);
    await cluster.listNodes();
    now = 1999;
    await cluster.listNodes();
    expect(await cluster.listPods(null, '')).toBe(first);
    expect(second).toBe(first);
    expect(fake.calls).toBe(2);
    now = 2000;
    fake.add(oomKilledPod('shop', 'c-1', 'c'));
    expect(await cluster.listPods(null, '')).toHaveLength(3);
    expect(fake.calls).toBe(3);
  });

  test("narrower reads (a namespace, a selector) and every other call pass through, fresh each time", async () => {
    const { fake, cluster } = setup();
    await cluster.listPods('shop', '');
    await cluster.listPods('shop', '');
    await cluster.listPods(null, 'app=a');
    await cluster.getPod('shop', 'a-1');
    expect(fake.calls).toBe(4);
    expect(cluster.name).toBe('fake');
  });

  test('a write drops what was shared: the next proposal sees what the patch changed', async () => {
    const { fake, cluster } = setup();
    await cluster.listPods(null, '');
    await cluster.patchWorkload('shop', { kind: 'Deployment', name: 'a' }, {}, { dryRun: false, fieldManager: 'oom-check' }).catch(() => undefined);
    await cluster.listPods(null, '');
    expect(fake.calls).toBe(2);
  });

  test('a failed read is not kept: the next caller asks again', async () => {
    const { fake, cluster } = setup();
    fake.down = true;
    await expect(cluster.listPods(null, '')).rejects.toBeInstanceOf(ClusterError);
    fake.down = false;
    expect(await cluster.listPods(null, '')).toHaveLength(2);
    expect(fake.calls).toBe(2);
  });
});

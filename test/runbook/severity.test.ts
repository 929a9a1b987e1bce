import type { Pod } from '../../src/core/k8s-types.js';
import { triageFacts } from '../../src/core/triage.js';
import { startHarness, type Harness } from './checklist-harness.js';

const isReady = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The severity row the incident got when it opened. */
function assessed(h: Harness, incidentId: number) {
  const incident = h.incidents.getIncident(incidentId)!;
  return triageFacts(h.incidents.timeline(incidentId), { killedAt: null, openedAt: incident.openedAt }).severity;
}

describe('severity from the impact when the incident opens, over the simulator', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  test('P1: the seed case, no available replica of Deployment shop/checkout', async () => {
    h = await startHarness('seed-oom');
    const started = await h.start('shop', await h.oomKilledPod('shop', 'checkout-'));
    expect(assessed(h, started.incident.id)).toMatchObject({ level: 'P1', reason: 'no available replica (0 of 1)', assessed: true, actor: 'oom-check' });
  });

  test('P4: every replica available and no pod failing', async () => {
    h = await startHarness('healthy');
    await h.sim.waitFor(() => (h!.sim.listObjects('Pod', 'shop') as unknown as Pod[]).filter(isReady).length === 2, 15_000, 'two ready catalog pods');
    const started = await h.start('shop', await h.podOf('shop', 'catalog-', isReady));
    expect(assessed(h, started.incident.id)).toMatchObject({ level: 'P4', reason: 'all 2 replicas available, no pod failing now' });
  });

  test('P3: all replicas still available, but the new pods of a rollout fail their init', async () => {
    h = await startHarness('healthy');
    const ref = { kind: 'Deployment', name: 'catalog' };
    await h.sim.waitFor(() => (h!.sim.listObjects('Pod', 'shop') as unknown as Pod[]).filter(isReady).length === 2, 15_000, 'two ready catalog pods');
    // The migration peaks at 40Mi: under 16Mi every new pod's init container is OOMKilled.
    const lowLimit = { spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { requests: { memory: '16Mi' }, limits: { memory: '16Mi' } } }] } } } };
    await h.cluster.patchWorkload('shop', ref, lowLimit, { dryRun: false, fieldManager: 'severity-test' });
    const first = await h.start('shop', await h.oomKilledPod('shop', 'catalog-'));
    expect(assessed(h, first.incident.id)).toMatchObject({ level: 'P3', assessed: true });
    expect(assessed(h, first.incident.id)?.reason).toMatch(/^all 2 replicas available, but 1 pod failing to start \(catalog-[a-z0-9-]+: init container migrate (CrashLoopBackOff|OOMKilled)\)$/);

  });

  test('P2: scaled up while new pods fail their init: some wanted replicas are unavailable', async () => {
    h = await startHarness('healthy');
    await h.sim.waitFor(() => (h!.sim.listObjects('Pod', 'shop') as unknown as Pod[]).filter(isReady).length === 2, 15_000, 'two ready catalog pods');
    const broken = { spec: { replicas: 4, template: { spec: { initContainers: [{ name: 'migrate', resources: { requests: { memory: '16Mi' }, limits: { memory: '16Mi' } } }] } } } };
    await h.cluster.patchWorkload('shop', { kind: 'Deployment', name: 'catalog' }, broken, { dryRun: false, fieldManager: 'severity-test' });
    const started = await h.start('shop', await h.oomKilledPod('shop', 'catalog-'));
    expect(assessed(h, started.incident.id)).toMatchObject({ level: 'P2', reason: '2 of 4 replicas unavailable' });
  });
});

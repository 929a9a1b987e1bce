/**
 * The seed's quick downgrade (section 4.2) as an approvable action, over the simulator's HTTP: the
 * slim image offered beside the limit, swapped with its exec probe after approval (intent first,
 * dry-run), verified by digest and size, and rolled back at once when it is not what was approved.
 */
import { ClusterError } from '../../src/core/cluster-error.js';
import type { RunRecord } from '../../src/core/run.js';
import { SYSTEM_ACTOR } from '../../src/core/timeline.js';
import { revertedAfterPatch, withPatch } from '../support/with-patch.js';
import { startHarness, type Harness } from './checklist-harness.js';

const SLIM = 'registry.example.com/shop/checkout-migrate-slim@sha256:69223baaaa751a5cf5fcbd0dfc19b4eb7a982f249451de360c6033d7225be8d2';
const FAT = 'registry.example.com/shop/checkout-migrate:1.4.2';
const SHA = SLIM.slice(SLIM.indexOf('@') + 1);

type Container = { name: string; image: string; readinessProbe?: { exec?: { command: string[] }; initialDelaySeconds?: number } };
type Spec = { spec: { template: { spec: { initContainers: Container[]; containers: Container[] } } } };

const propose = (run: RunRecord) => run.steps.find((step) => step.step === 'propose')!.result;

describe('the quick downgrade over the simulator', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const start = async (tweak: Parameters<typeof startHarness>[1]) => {
    h = await startHarness('quick-downgrade', tweak);
    const pod = await h.oomKilledPod('shop', 'checkout-');
    const { incident } = await h.start('shop', pod);
    return { incidentId: incident.id, run: await h.runner.advance(incident.id) };
  };
  const slimRunbook = (maxImageMB = 12): Parameters<typeof startHarness>[1] => (runbook) => {
    runbook.quickDowngrade = { image: SLIM, sha256: SHA, maxImageMB, probe: { container: null, command: ['/usr/bin/checker', '--health'], initialDelaySeconds: 1 } };
    runbook.steps.wait.timeoutSeconds = 30;
  };
  const deployment = () => h.sim.getObject('Deployment', 'shop', 'checkout') as unknown as Spec;

  test('offered beside the limit; approved, the swap is dry-run, applied with the exec probe, and verified by digest and size', async () => {
    const { incidentId, run } = await start(slimRunbook());
    expect(run.status).toBe('waiting-approval');
    expect(propose(run).downgrade).toMatchObject({ container: 'migrate', fromImage: FAT, image: SLIM, sha256: SHA, maxBytes: 12_000_000, probe: { container: 'app', initialDelaySeconds: 1 } });
    expect(h.lifecycle.decide(incidentId, { actor: 'cli:alice', decision: 'approve', fix: 'downgrade' })).toMatchObject({ outcome: 'settled', limit: null });
    const done = await h.runner.advance(incidentId);
    expect(done).toMatchObject({ status: 'finished', verdict: 'fixed' });

    const spec = deployment().spec.template.spec;
    expect(spec.initContainers[0]).toMatchObject({ name: 'migrate', image: SLIM });
    expect(spec.containers[0]?.readinessProbe).toMatchObject({ exec: { command: ['/usr/bin/checker', '--health'] }, initialDelaySeconds: 1 });
    const timeline = h.incidents.timeline(incidentId);
    const kinds = timeline.map((event) => event.kind);
    expect(kinds.indexOf('patch.intent')).toBeLessThan(kinds.indexOf('patch.applied'));
    expect(timeline.find((event) => event.kind === 'patch.applied')?.data).toMatchObject({ fix: 'downgrade', before: { image: FAT }, after: { image: SLIM }, dryRunFirst: true });
    const wait = timeline.find((event) => event.kind === 'step.succeeded' && event.step === 'wait');
    expect(String(wait?.data.message)).toMatch(/runs exactly sha256:69223baaaa75…, 11\.5 MB \(node sim-node-1\), within 12 MB$/);
  }, 60_000);

  test('an image above the size line is rolled back at once: old image, no probe, verdict rolled-back, the incident open', async () => {
    const { incidentId } = await start(slimRunbook(10));
    h.lifecycle.decide(incidentId, { actor: 'cli:alice', decision: 'approve', fix: 'downgrade' });
    const done = await h.runner.advance(incidentId);
    expect(done).toMatchObject({ status: 'finished', verdict: 'rolled-back' });
    const spec = deployment().spec.template.spec;
    expect(spec.initContainers[0]?.image).toBe(FAT);
    expect(spec.containers[0]?.readinessProbe).toBeUndefined();
    const timeline = h.incidents.timeline(incidentId);
    expect(String(timeline.find((event) => event.kind === 'step.failed' && event.step === 'wait')?.data.message)).toMatch(/the image is 11\.5 MB, above the 10\.0 MB limit/);
    expect(timeline.find((event) => event.kind === 'patch.rolled-back')).toMatchObject({ actor: SYSTEM_ACTOR, data: { before: { image: SLIM }, after: { image: FAT } } });
    expect(timeline.filter((event) => event.kind === 'patch.intent')).toHaveLength(2);
    expect(h.incidents.getIncident(incidentId)?.status).toBe('open');
  }, 60_000);

  test('a rollback that fails (the API server away) is still owed: the next start carries it out', async () => {
    let writes = 0;
    h = await startHarness('quick-downgrade', slimRunbook(10), {
      // The swap's dry-run and patch go through; the rollback's dry-run meets an API server that is away.
      cluster: (cluster) => withPatch(cluster, (real, ...args) => (++writes === 3 ? Promise.reject(new ClusterError('Unreachable', 'cannot reach the Kubernetes API (ECONNREFUSED)')) : real(...args))),
    });
    const pod = await h.oomKilledPod('shop', 'checkout-');
    const { incident } = await h.start('shop', pod);
    await h.runner.advance(incident.id);
    h.lifecycle.decide(incident.id, { actor: 'cli:alice', decision: 'approve', fix: 'downgrade' });
    expect(await h.runner.advance(incident.id)).toMatchObject({ status: 'finished', verdict: 'verification-failed' });
    expect(deployment().spec.template.spec.initContainers[0]?.image).toBe(SLIM);

    await h.runner.resumeAll();
    expect(h.runs.getRun(incident.id)).toMatchObject({ verdict: 'rolled-back' });
    expect(deployment().spec.template.spec.initContainers[0]?.image).toBe(FAT);
  }, 60_000);

  test('a swap reverted behind its back is reported as not in place, and nothing is rolled back', async () => {
    h = await startHarness('quick-downgrade', slimRunbook(), {
      cluster: (cluster) =>
        // A GitOps sync puts the old image back and the old ReplicaSet makes a fresh pod that runs it.
        revertedAfterPatch(cluster, { spec: { template: { spec: { initContainers: [{ name: 'migrate', image: FAT }], containers: [{ name: 'app', readinessProbe: null }] } } } }, 'app=checkout'),
    });
    const pod = await h.oomKilledPod('shop', 'checkout-');
    const { incident } = await h.start('shop', pod);
    await h.runner.advance(incident.id);
    h.lifecycle.decide(incident.id, { actor: 'cli:alice', decision: 'approve', fix: 'downgrade' });
    expect(await h.runner.advance(incident.id)).toMatchObject({ status: 'finished', verdict: 'verification-failed' });
    const timeline = h.incidents.timeline(incident.id);
    const failure = String(timeline.find((event) => event.kind === 'step.failed' && event.step === 'wait')?.data.message);
    expect(failure).toMatch(new RegExp(`running ${FAT}, not the approved .+: Deployment shop/checkout no longer has the swap \\(its template says ${FAT}\\); it was reverted by another writer`));
    expect(failure).not.toMatch(/limit/);
    expect(timeline.filter((event) => event.kind === 'patch.rolled-back')).toHaveLength(0);
  }, 60_000);

  test('a SHA-256 in the config that is not the image digest: nothing offered, a warning says why, and the button answers so', async () => {
    const { incidentId, run } = await start((runbook) => {
      slimRunbook()!(runbook);
      runbook.quickDowngrade.sha256 = 'a'.repeat(64);
    });
    expect(propose(run).downgrade).toBeNull();
    const warning = h.incidents.timeline(incidentId).find((event) => event.kind === 'finding' && event.data.title === 'Quick downgrade not offered');
    expect(String(warning?.data.detail)).toMatch(/digest sha256:69223baaaa75… is not the configured SHA-256 sha256:aaaaaaaaaaaa…/);
    expect(h.lifecycle.decide(incidentId, { actor: 'cli:alice', decision: 'approve', fix: 'downgrade' })).toMatchObject({ outcome: 'not-offered' });
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  }, 60_000);
});

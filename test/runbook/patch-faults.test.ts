import { ClusterError } from '../../src/core/cluster-error.js';
import { incidentFacts } from '../../src/core/postmortem/incident-facts.js';
import { revertedAfterPatch, withPatch } from '../support/with-patch.js';
import { startHarness, type Harness } from './checklist-harness.js';

describe('patches when the cluster or the process fails around them', () => {
  let h: Harness;
  afterEach(async () => h.close());

  async function approvedRun(): Promise<number> {
    const pod = await h.oomKilledPod('shop', 'checkout-');
    const { incident } = await h.start('shop', pod);
    await h.runner.advance(incident.id);
    expect(h.lifecycle.decide(incident.id, { actor: 'cli:alice', decision: 'approve' })).toMatchObject({ outcome: 'settled' });
    return incident.id;
  }

  test('the server applies the patch but the answer is lost: the retry finds its own intent, records the patch, and rollback works', async () => {
    let lose = true;
    h = await startHarness('health-failing', (runbook) => {
      runbook.steps.health.timeoutSeconds = 1;
    }, {
      cluster: (cluster) =>
        withPatch(cluster, async (real, namespace, ref, patch, options) => {
          const result = await real(namespace, ref, patch, options);
          if (!options.dryRun && lose) {
            lose = false;
            throw new ClusterError('Unreachable', 'the connection dropped before the answer arrived');
          }
          return result;
        }),
    });
    const pod = await h.oomKilledPod('shop', 'inventory-');
    const { incident } = await h.start('shop', pod);
    const id = incident.id;
    await h.runner.advance(id);
    h.lifecycle.decide(id, { actor: 'cli:alice', decision: 'approve' });
    const first = await h.runner.advance(id);
    const apply = first.steps.find((s) => s.step === 'apply')!;
    expect(apply).toMatchObject({ status: 'failed', result: { intentAt: expect.any(String), limit: expect.any(String) } });
    const { before, limit } = apply.result;

    const done = await h.runner.advance(id);
    expect(done).toMatchObject({ status: 'finished', verdict: 'verification-failed' });
    expect(done.steps.find((s) => s.step === 'apply')?.result).toMatchObject({ alreadyApplied: false, recovered: true });
    expect(h.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(1);
    const timeline = h.incidents.timeline(id);
    expect(timeline.filter((e) => e.kind === 'patch.intent')).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'patch.applied')).toEqual([expect.objectContaining({ actor: 'cli:alice', data: expect.objectContaining({ recovered: true, alreadyApplied: false }) })]);
    expect(incidentFacts(h.incidents.getIncident(id)!, timeline).patches).toHaveLength(1);

    expect(await h.lifecycle.rollback(id, 'cli:alice')).toMatchObject({ outcome: 'rolled-back', limit: before?.limit });
    expect(h.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(2);
    expect(h.incidents.getIncident(id)).toMatchObject({ status: 'open' });
    expect(h.runs.getRun(id)?.verdict).toBe('rolled-back');
    expect(h.incidents.timeline(id).filter((e) => e.kind === 'patch.intent').map((e) => e.data.rollback ?? false)).toEqual([false, true]);
    expect(limit).not.toBe(before?.limit);
  });

  test('a limit someone else set before oom-check meant to patch is not claimed as its own, and not rolled back', async () => {
    h = await startHarness('health-failing', (runbook) => {
      runbook.steps.health.timeoutSeconds = 1;
    });
    const pod = await h.oomKilledPod('shop', 'inventory-');
    const { incident } = await h.start('shop', pod);
    const proposed = (await h.runner.advance(incident.id)).steps.find((s) => s.step === 'propose')?.result.limit ?? '';
    const owner = h.incidents.getIncident(incident.id)!.owner!;
    const container = h.runs.getRun(incident.id)!.steps.find((s) => s.step === 'detect')!.result.container!;
    await h.cluster.patchWorkload('shop', owner, { spec: { template: { spec: { initContainers: [{ name: container, resources: { limits: { memory: proposed } } }] } } } }, { dryRun: false, fieldManager: 'someone-else' });
    h.lifecycle.decide(incident.id, { actor: 'cli:alice', decision: 'approve' });
    const run = await h.runner.advance(incident.id);
    expect(run.steps.find((s) => s.step === 'apply')?.result).toMatchObject({ alreadyApplied: true });
    expect(run.verdict).toBe('verification-failed');
    expect(await h.lifecycle.rollback(incident.id, 'cli:alice')).toMatchObject({ outcome: 'not-possible', message: expect.stringMatching(/applied no patch/) });
  });

  test('a patch reverted behind its back is reported as not in place, not as a limit too low', async () => {
    h = await startHarness('seed-oom', () => {}, {
      cluster: (cluster) =>
        // A GitOps sync puts the old template back and the old ReplicaSet makes a fresh pod with 64Mi.
        revertedAfterPatch(cluster, { spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory: '64Mi' } } }] } } } }, 'app=checkout'),
    });
    const id = await approvedRun();
    const run = await h.runner.advance(id);
    expect(run.verdict).toBe('verification-failed');
    const failure = h.incidents.timeline(id).find((e) => e.kind === 'step.failed' && e.step === 'wait')?.data.message;
    expect(failure).toMatch(/with limits\.memory 64Mi, not the approved 176Mi: Deployment shop\/checkout no longer has the patch \(its template says 64Mi\)/);
    expect(failure).not.toMatch(/still too low/);
  });
});

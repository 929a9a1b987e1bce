import { parseQuantity } from '../../src/core/quantity.js';
import { isClusterError } from '../../src/core/cluster-error.js';
import { incidentFacts } from '../../src/core/postmortem/incident-facts.js';
import type { RunRecord } from '../../src/core/run.js';
import type { ApprovalRequest } from '../../src/runbook/lifecycle.js';
import { startHarness, type Harness } from './checklist-harness.js';

type Workload = { spec: { template: { spec: { initContainers: Array<{ name: string; resources: { limits: { memory: string } } }> } } } };

function stepStates(run: RunRecord): string {
  return run.steps.map((step) => `${step.step}:${step.status}`).join(' ');
}

function initLimit(h: Harness, kind: string, namespace: string, name: string, container: string): string | undefined {
  const workload = h.sim.getObject(kind, namespace, name) as unknown as Workload;
  return workload.spec.template.spec.initContainers.find((c) => c.name === container)?.resources.limits.memory;
}

describe('the checklist over the simulator', () => {
  let h: Harness;
  afterEach(async () => h.close());

  async function startOn(namespace: string, prefix: string) {
    const pod = await h.oomKilledPod(namespace, prefix);
    const { incident } = await h.start(namespace, pod);
    return { pod, incidentId: incident.id, run: await h.runner.advance(incident.id) };
  }

  function approve(incidentId: number, request: Partial<ApprovalRequest> = {}) {
    return h.lifecycle.decide(incidentId, { actor: 'cli:alice', decision: 'approve', ...request });
  }

  function timelineKinds(incidentId: number): string[] {
    return h.incidents.timeline(incidentId).map((event) => `${event.kind}${event.step ? `:${event.step}` : ''}`);
  }

  test('happy path: OOMKilled -> image-info unreachable -> only the kill as evidence -> 64Mi -> 176Mi (the VPA bump) -> dry-run -> patch -> Initialized -> /healthz 200 -> fixed', async () => {
    h = await startHarness('seed-oom');
    const { incidentId, run } = await startOn('shop', 'checkout-');
    expect(stepStates(run)).toBe('detect:succeeded image-info:succeeded evidence:succeeded propose:succeeded approve:waiting-approval apply:pending wait:pending health:pending');
    expect(run.steps.find((s) => s.step === 'propose')?.result).toMatchObject({
      limit: '176Mi',
      previousLimit: '64Mi',
      basis: 'lower-bound',
      rationale: expect.stringMatching(/max\(64Mi x 1\.2, 64Mi \+ 100Mi\) = 164Mi, rounded up to 176Mi/),
    });
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);

    expect(approve(incidentId)).toEqual({ outcome: 'settled', decision: 'approve', limit: '176Mi' });
    const done = await h.runner.advance(incidentId);
    expect(done).toMatchObject({ status: 'finished', verdict: 'fixed' });
    expect(initLimit(h, 'Deployment', 'shop', 'checkout', 'migrate')).toBe('176Mi');
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
    expect(h.sim.requests().some((r) => r.method === 'PATCH' && r.query.includes('dryRun=All'))).toBe(true);

    const incident = h.incidents.getIncident(incidentId)!;
    expect(incident).toMatchObject({ status: 'closed', verdict: 'fixed', owner: { kind: 'Deployment', name: 'checkout' } });
    const timeline = h.incidents.timeline(incidentId);
    expect(timelineKinds(incidentId)).toEqual(expect.arrayContaining(['finding:detect', 'finding:image-info', 'decision:approve', 'patch.applied:apply', 'incident.mitigated', 'incident.closed']));
    expect(timeline.find((e) => e.kind === 'step.succeeded' && e.step === 'detect')?.data).toMatchObject({ elapsedMs: expect.any(Number), budgetMs: 180_000 });
    // The seed's migrate binary OOMs before its image-info server listens: as on a real cluster the
    // pod proxy answers 503 (connection refused), recorded as a finding while the run goes on.
    expect(run.steps.find((s) => s.step === 'image-info')).toMatchObject({ status: 'succeeded', result: { available: false, problem: expect.stringMatching(/8080\/debug\/image-info: HTTP 503 \(error trying to reach service: dial tcp .*connection refused\)/) } });
    expect(timeline.find((e) => e.kind === 'finding' && e.step === 'image-info')?.data).toMatchObject({
      title: 'image-info unreachable',
      severity: 'warning',
      detail: expect.stringMatching(/^pod checkout-\S+ 8080\/debug\/image-info: HTTP 503 \(error trying to reach service: .*\)\. Known from elsewhere: size 145Mi \(node sim-node-1\); cgo and the symbol table stay unknown\.$/),
    });
    expect(timeline.find((e) => e.kind === 'patch.applied')).toMatchObject({ actor: 'cli:alice', data: { before: { 'limits.memory': '64Mi' }, after: { 'limits.memory': '176Mi' } } });
    const keyTimes = incidentFacts(incident, timeline).keyTimes;
    expect(keyTimes.budgetMet).toBe(true);
    const killedAt = timeline.find((e) => e.kind === 'step.succeeded' && e.step === 'detect')?.data.oomKilledAt;
    expect(killedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The impact starts at the kill, or at the opening when that came first: the kill's time is whole seconds.
    expect(Date.parse(keyTimes.impactStartedAt!)).toBeLessThanOrEqual(Date.parse(killedAt as string));
    expect(Date.parse(keyTimes.impactStartedAt!)).toBeGreaterThan(Date.parse(killedAt as string) - 1000);
    expect(h.updates.at(-1)).toMatchObject({ status: 'finished', verdict: 'fixed' });
  });

  test('a second approval learns who decided first; a succeeded step never runs again', async () => {
    h = await startHarness('seed-oom');
    const { incidentId } = await startOn('shop', 'checkout-');
    approve(incidentId);
    expect(approve(incidentId, { actor: 'cli:bob', decision: 'reject' })).toMatchObject({ outcome: 'already-decided', actor: 'cli:alice', decision: 'approve' });
    await h.runner.advance(incidentId);
    const again = await h.runner.advance(incidentId);
    expect(again.steps.map((step) => step.attempts)).toEqual(again.steps.map(() => 1));
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
  });

  test('an edited limit below the peak OOMs again: the same incident escalates to step 2, resting on the kill', async () => {
    h = await startHarness('seed-oom', (runbook) => {
      runbook.steps.wait.timeoutSeconds = 600;
    });
    const { incidentId } = await startOn('shop', 'checkout-');
    expect(approve(incidentId, { limit: '64Gi' })).toMatchObject({ outcome: 'invalid-limit', message: expect.stringContaining('above the maximum 4Gi') });
    expect(approve(incidentId, { limit: 'abc' })).toMatchObject({ outcome: 'invalid-limit' });
    expect(approve(incidentId, { limit: '80Mi' })).toMatchObject({ outcome: 'settled', limit: '80Mi' });
    const second = await h.runner.advance(incidentId);
    expect(second).toMatchObject({ status: 'waiting-approval', round: 2 });
    expect(second.rounds).toHaveLength(1);
    expect(second.rounds[0]!.steps.find((s) => s.step === 'wait')?.result.escalation).toMatchObject({ source: 'oom-kill', kind: 'lower-bound', bytes: 80 * 1024 ** 2 });
    const proposal = second.steps.find((s) => s.step === 'propose')!.result;
    expect(proposal).toMatchObject({ previousLimit: '80Mi' });
    expect(parseQuantity(proposal.limit!)).toBeGreaterThan(80 * 1024 ** 2);
    const timeline = h.incidents.timeline(incidentId);
    expect(timeline.find((e) => e.kind === 'step.failed' && e.step === 'wait')?.data.message).toMatch(/OOMKilled again .*still too low; escalating to step 2 of 3/);
    expect(timeline.find((e) => e.kind === 'decision')?.data).toMatchObject({ decision: 'edit-limit', limit: '80Mi', proposed: '176Mi' });

    expect(approve(incidentId, { actor: 'cli:bob' })).toMatchObject({ outcome: 'settled', limit: proposal.limit });
    expect(await h.runner.advance(incidentId)).toMatchObject({ status: 'finished', verdict: 'fixed', round: 2 });
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(2);
    expect(h.incidents.timeline(incidentId).filter((e) => e.kind === 'patch.applied').map((e) => e.data.after)).toEqual([{ 'limits.memory': '80Mi' }, { 'limits.memory': proposal.limit }]);
  });

  test('killed again on the last step the runbook allows: verification-failed, and rollback restores the limit from before the first patch', async () => {
    h = await startHarness('seed-oom', (runbook) => {
      runbook.steps.wait.timeoutSeconds = 600;
      runbook.steps.propose.maxSteps = 2;
    });
    const { incidentId } = await startOn('shop', 'checkout-');
    approve(incidentId, { limit: '80Mi' });
    expect(await h.runner.advance(incidentId)).toMatchObject({ status: 'waiting-approval', round: 2 });
    approve(incidentId, { limit: '90Mi' });
    const run = await h.runner.advance(incidentId);
    expect(run).toMatchObject({ status: 'finished', verdict: 'verification-failed' });
    expect(h.incidents.timeline(incidentId).filter((e) => e.kind === 'step.failed' && e.step === 'wait').at(-1)?.data.message).toMatch(/still too low; that was step 2 of 2, the most the runbook allows/);
    expect(h.incidents.getIncident(incidentId)?.status).toBe('open');

    expect(await h.lifecycle.rollback(incidentId, 'cli:alice')).toMatchObject({ outcome: 'rolled-back', limit: '64Mi' });
    expect(initLimit(h, 'Deployment', 'shop', 'checkout', 'migrate')).toBe('64Mi');
    // The old limit is back and so is the kill: open ("rolled back, still failing") until resolved.
    expect(h.runs.getRun(incidentId)).toMatchObject({ status: 'finished', verdict: 'rolled-back' });
    expect(h.incidents.getIncident(incidentId)).toMatchObject({ status: 'open', verdict: null });
    expect(h.updates.at(-1)).toMatchObject({ status: 'finished', verdict: 'rolled-back', actor: 'cli:alice', message: expect.stringMatching(/^limits\.memory restored to 64Mi on Deployment shop\/checkout$/) });
    expect(await h.lifecycle.rollback(incidentId, 'cli:bob')).toMatchObject({ outcome: 'already-rolled-back', actor: 'cli:alice' });
    expect(h.lifecycle.resolve(incidentId, 'cli:alice', 'limit set by hand')).toMatchObject({ outcome: 'resolved' });
    expect(h.incidents.getIncident(incidentId)).toMatchObject({ status: 'closed', verdict: 'rolled-back' });
  });

  test('health failing after the fix: verdict verification-failed, rollback offered', async () => {
    h = await startHarness('health-failing', (runbook) => {
      runbook.steps.health.timeoutSeconds = 1;
    });
    const { incidentId } = await startOn('shop', 'inventory-');
    approve(incidentId);
    const run = await h.runner.advance(incidentId);
    expect(run).toMatchObject({ status: 'finished', verdict: 'verification-failed' });
    expect(stepStates(run)).toContain('wait:succeeded health:failed');
    expect(h.incidents.timeline(incidentId).find((e) => e.kind === 'step.failed' && e.step === 'health')?.data.message).toMatch(/did not answer 2xx within 1 s \(last: HTTP 500/);
    expect(await h.lifecycle.rollback(incidentId, 'cli:alice')).toMatchObject({ outcome: 'rolled-back' });
  });

  test.each([
    ['image-info-missing', 'reports-'],
    ['image-info-malformed', 'search-'],
  ])('%s: recorded as a finding and the run goes on', async (scenario, prefix) => {
    h = await startHarness(scenario);
    const { incidentId, run } = await startOn('shop', prefix);
    expect(run.status).toBe('waiting-approval');
    expect(run.steps.find((s) => s.step === 'image-info')).toMatchObject({ status: 'succeeded', result: { available: false } });
    const finding = h.incidents.timeline(incidentId).find((e) => e.kind === 'finding' && e.step === 'image-info');
    expect(finding?.data).toMatchObject({ title: 'image-info unreachable', severity: 'warning' });
  });

  test('a bare pod is reported with the limit it needs, never patched', async () => {
    h = await startHarness('bare-pod');
    const pod = await h.oomKilledPod('shop', 'debug-tool');
    const { incident } = await h.start('shop', pod);
    const run = await h.runner.advance(incident.id);
    expect(run).toMatchObject({ status: 'finished', verdict: 'bare-pod' });
    expect(h.incidents.getIncident(incident.id)).toMatchObject({ owner: null, status: 'closed', verdict: 'bare-pod' });
    expect(h.updates.at(-1)?.message).toMatch(/has no owner workload: oom-check patches workloads, never bare pods\. Recreate it with limits\.memory \d+Mi/);
    expect(h.sim.requests().filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  test('a StatefulSet is resolved as the owner and patched', async () => {
    h = await startHarness('statefulset');
    const { incidentId, run } = await startOn('shop', 'ledger-');
    expect(h.incidents.getIncident(incidentId)?.owner).toEqual({ kind: 'StatefulSet', name: 'ledger' });
    expect(run.steps.find((s) => s.step === 'propose')?.result.limit).toBe('368Mi');
    approve(incidentId);
    expect(await h.runner.advance(incidentId)).toMatchObject({ verdict: 'fixed' });
    expect(h.sim.patchCount('StatefulSet', 'shop', 'ledger')).toBe(1);
  });

  test('a pod that is not OOMKilled gets a plain verdict and nothing is patched', async () => {
    h = await startHarness('app-crashloop');
    const pod = await h.podOf('shop', 'payments-', (p) => (p.status?.containerStatuses ?? []).some((s) => (s.restartCount ?? 0) > 0));
    const { incident } = await h.start('shop', pod);
    const run = await h.runner.advance(incident.id);
    expect(run).toMatchObject({ status: 'finished', verdict: 'not-oom' });
    expect(h.updates.at(-1)?.message).toMatch(/exited 1 .*not an OOM kill/i);
    expect(h.sim.requests().filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  test('a denied namespace: the 403 names the RBAC verb and resource', async () => {
    h = await startHarness('seed-oom');
    const error = await h.start('secure', 'vault-sync-0').then(() => undefined, (caught: unknown) => caught);
    expect(isClusterError(error, 'Forbidden')).toBe(true);
    expect((error as Error).message).toMatch(/needs RBAC verb "get" on resource "pods" in namespace secure/);
    expect(h.incidents.listIncidents()).toEqual([]);
  });

  test('the API server down: a clear error, and the run stays resumable', async () => {
    h = await startHarness('seed-oom');
    const { incidentId } = await startOn('shop', 'checkout-');
    approve(incidentId);
    await h.sim.close();
    const run = await h.runner.advance(incidentId);
    expect(run.status).toBe('active');
    const apply = run.steps.find((s) => s.step === 'apply')!;
    expect(apply).toMatchObject({ status: 'failed', attempts: 1 });
    expect(apply.error).toMatch(/cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(h.incidents.getIncident(incidentId)?.status).toBe('open');
    const again = await h.runner.advance(incidentId);
    expect(again.steps.find((s) => s.step === 'apply')).toMatchObject({ status: 'failed', attempts: 2 });
  });
});

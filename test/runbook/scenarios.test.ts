/**
 * The evidence ladder, the planner, escalation, will-it-schedule and GitOps owners end to end: each
 * simulator scenario of issue 11 through the whole checklist over HTTP, and the seed's history in a
 * real Prometheus. The README's "What oom-check proposes, scenario by scenario" table is this file.
 */
import { PrometheusClient } from '../../src/adapters/prometheus/prometheus-client.js';
import { PrometheusMemoryHistory } from '../../src/adapters/prometheus/prometheus-memory-history.js';
import type { RunRecord } from '../../src/core/run.js';
import { checklistSteps } from '../../src/runbook/checklist-steps.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus/start-prometheus.js';
import { openMetricsGauge } from '../support/prometheus/open-metrics-gauge.js';
import { podOf } from '../support/sim-pods.js';
import { startHarness, type Harness } from './checklist-harness.js';

const MI = 1024 * 1024;

type Spec = { spec: { template: { spec: { initContainers?: Array<{ name: string; resources: { limits: { memory: string } } }> } } } };

function propose(run: RunRecord) {
  return run.steps.find((step) => step.step === 'propose')!.result;
}

describe('issue 11 scenarios through the checklist over the simulator', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function startOn(namespace: string, prefix: string, ready: 'oom' | 'any' = 'oom') {
    const pod = ready === 'oom' ? await h.oomKilledPod(namespace, prefix) : await h.podOf(namespace, prefix);
    const { incident } = await h.start(namespace, pod);
    return { pod, incidentId: incident.id, run: await h.runner.advance(incident.id) };
  }

  const approve = (incidentId: number) => h.lifecycle.decide(incidentId, { actor: 'cli:alice', decision: 'approve' });

  test('needs-300mi: only kills as evidence, VPA bumps escalate 64Mi -> 176Mi -> 288Mi -> 400Mi, verified within the 3 steps', async () => {
    h = await startHarness('needs-300mi', (runbook) => (runbook.steps.wait.timeoutSeconds = 30));
    const { incidentId, run } = await startOn('shop', 'ledger-import-');
    expect(propose(run)).toMatchObject({ limit: '176Mi', basis: 'lower-bound', round: 1, maxSteps: 3 });
    const limits = [propose(run).limit];
    let current = run;
    for (let step = 1; current.status === 'waiting-approval' && step <= 3; step++) {
      approve(incidentId);
      current = await h.runner.advance(incidentId);
      if (current.status === 'waiting-approval') limits.push(propose(current).limit!);
    }
    expect(limits).toEqual(['176Mi', '288Mi', '400Mi']);
    expect(current).toMatchObject({ status: 'finished', verdict: 'fixed', round: 3 });
    const workload = h.sim.getObject('Deployment', 'shop', 'ledger-import') as unknown as Spec;
    expect(workload.spec.template.spec.initContainers?.[0]?.resources.limits.memory).toBe('400Mi');
    // One incident, one timeline: each round's kill is recorded as the evidence of the next.
    const escalations = h.incidents.timeline(incidentId).filter((event) => event.kind === 'finding' && String(event.data.title).startsWith('Escalating'));
    expect(escalations.map((event) => event.data.title)).toEqual(['Escalating: step 2 of 3', 'Escalating: step 3 of 3']);
  }, 90_000);

  test('node-too-small: the old pod holds 512Mi of the only node\'s 1Gi until the new one runs, so no raise fits; the refusal says what would', async () => {
    h = await startHarness('node-too-small');
    const { incidentId, run } = await startOn('search', 'reindex-');
    expect(run).toMatchObject({ status: 'finished' });
    const failed = h.incidents.timeline(incidentId).find((event) => event.kind === 'step.failed' && event.step === 'propose');
    expect(String(failed?.data.message)).toMatch(
      /^624Mi would not run: no node can take the pod: .*node small-node-1, 512Mi \(allocatable 1Gi, 512Mi requested\)\. No limit above 512Mi fits: it would run if the rollout stopped the old pod first \(strategy Recreate, or rollingUpdate\.maxUnavailable of at least 1\)/,
    );
    expect(h.sim.patchCount('Deployment', 'search', 'reindex')).toBe(0);
  }, 30_000);

  test('node-too-small with strategy Recreate: the bumps climb to the node\'s 1Gi, the last capped at what fits, then a refusal', async () => {
    h = await startHarness('node-too-small', (runbook) => {
      runbook.steps.propose.maxSteps = 5;
      runbook.steps.wait.timeoutSeconds = 30;
    });
    await h.cluster.patchWorkload('search', { kind: 'Deployment', name: 'reindex' }, { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } }, { dryRun: false, fieldManager: 'test' });
    const { incidentId, run } = await startOn('search', 'reindex-');
    const limits = [propose(run).limit];
    let current = run;
    while (current.status === 'waiting-approval') {
      approve(incidentId);
      current = await h.runner.advance(incidentId);
      if (current.status === 'waiting-approval') limits.push(propose(current).limit!);
    }
    // 512Mi x 1.2 = 614.4Mi -> 624Mi, 749Mi -> 752Mi, 902Mi -> 912Mi; 1094Mi would not schedule, so 1Gi, the most that fits.
    expect(limits).toEqual(['624Mi', '752Mi', '912Mi', '1Gi']);
    expect(current).toMatchObject({ status: 'finished' });
    const failed = h.incidents.timeline(incidentId).filter((event) => event.kind === 'step.failed' && event.step === 'propose').at(-1);
    expect(String(failed?.data.message)).toMatch(/would not run: no node can take the pod.*node small-node-1.*No limit above 1Gi fits: free capacity/);
    expect(h.sim.patchCount('Deployment', 'search', 'reindex')).toBe(1 + 4);
  }, 120_000);

  test('quota-nearly-used: the bump would exceed quota shop/compute, so the proposal says what would fit and nothing is patched', async () => {
    h = await startHarness('quota-nearly-used');
    const { run } = await startOn('shop', 'checkout-');
    expect(run.status).toBe('finished');
    const failed = h.incidents.timeline(run.incidentId).find((event) => event.kind === 'step.failed' && event.step === 'propose');
    expect(String(failed?.data.message)).toMatch(/^240Mi would not run: ResourceQuota compute: .*No limit above 128Mi fits/);
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  }, 30_000);

  test('liveness-137: exit 137 without OOMKilled is triaged as the failed liveness probe, and nothing is proposed', async () => {
    h = await startHarness('liveness-137');
    const pod = await podOf(h.sim, 'shop', 'notifier-', (p) => (p.status?.containerStatuses ?? []).some((s) => s.lastState?.terminated?.exitCode === 137));
    const { incident } = await h.start('shop', pod);
    const run = await h.runner.advance(incident.id);
    expect(run).toMatchObject({ status: 'finished', verdict: 'not-oom' });
    const finding = h.incidents.timeline(incident.id).find((event) => event.kind === 'finding' && event.step === 'detect');
    expect(finding?.data).toMatchObject({ title: 'Killed by SIGKILL, not by the OOM killer (failed liveness probe)' });
    expect(String(finding?.data.detail)).toMatch(/failed liveness probe/);
    expect(h.sim.patchCount('Deployment', 'shop', 'notifier')).toBe(0);
  }, 90_000);

  test.each([
    ['helm-managed', 'helm', false, /^Helm release shop\/checkout$/],
    ['argocd-managed', 'argo-cd', true, /application/i],
    ['flux-managed', 'flux', true, /kustomization|helmrelease/i],
  ])('%s: the proposal names the owner (%s; reverts at its next sync: %s) and the source to change', async (scenario, tool, reverts, source) => {
    h = await startHarness(scenario);
    const { run } = await startOn('shop', 'checkout-');
    expect(propose(run).owner).toMatchObject({ tool, revertsLiveEdits: reverts, source: expect.stringMatching(source), followUp: expect.stringMatching(/\S/) });
  }, 30_000);

  describe('with the seed\'s history in a real Prometheus', () => {
    let prometheus: RunningPrometheus;
    afterAll(async () => prometheus?.stop());

    test('seed-oom: a completed run peaked at 96Mi, so 96Mi / 0.85 = 113Mi, rounded up to 128Mi, and it verifies', async () => {
      // Two days ago the migration completed under a higher limit and peaked at 96Mi (the seed's number).
      const now = Math.floor(Date.now() / 1000);
      const samples: Array<[number, number]> = [];
      for (let t = now - 3 * 86_400; t < now - 86_400; t += 300) samples.push([t, (30 + (t % 7)) * MI]);
      samples.push([now - 2 * 86_400 + 17, 96 * MI]);
      samples.sort((a, b) => a[0] - b[0]);
      const labels = { namespace: 'shop', pod: 'checkout-5d8f7c9b4-x2k4q', container: 'migrate', job: 'kubelet', metrics_path: '/metrics/cadvisor' };
      prometheus = await startPrometheus({ openMetrics: openMetricsGauge('container_memory_working_set_bytes', 'cAdvisor working set', [{ labels, samples }]) });
      const history = new PrometheusMemoryHistory(new PrometheusClient({ url: `${prometheus.url}/`, auth: null, timeoutMs: 5000 }), 5000);
      h = await startHarness('seed-oom', () => {}, { steps: checklistSteps({ memoryHistory: history, historyWindowSeconds: 7 * 86_400 }) });
      const { incidentId, run } = await startOn('shop', 'checkout-');
      expect(propose(run)).toMatchObject({ limit: '128Mi', basis: 'measured-peak' });
      expect(propose(run).rationale).toMatch(/^measured peak 96Mi \(Prometheus\) \/ 0\.85 = 113Mi, rounded up to 128Mi/);
      approve(incidentId);
      expect(await h.runner.advance(incidentId)).toMatchObject({ verdict: 'fixed' });
    }, 90_000);
  });
});

import pino from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import type { ExecResult } from '../../src/core/ports.js';
import { STEP_NAMES } from '../../src/core/run.js';
import type { Runbook } from '../../src/core/runbook-schema.js';
import { CHECKLIST_STEPS, type ChecklistSteps } from '../../src/runbook/checklist-steps.js';
import type { Step } from '../../src/runbook/step-types.js';
import { wireChecklist } from '../../src/wire-checklist.js';
import { defaultRunbook } from '../support/default-runbook.js';
import { rssBytes } from '../../src/runbook/evidence/rss-samples.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';
import { newIncident, T0 } from '../store/incident-store-contract.js';

function setUp(steps: Partial<ChecklistSteps>, tweak: (runbook: Runbook) => void = () => {}) {
  const cluster = new FakeCluster().add(oomKilledPod('shop', 'checkout-7d9f8-abcde', 'checkout'));
  const { incidents, runs, runner } = wireChecklist({ dbPath: ':memory:', cluster, clock: systemClock, log: pino({ level: 'silent' }), steps: { ...CHECKLIST_STEPS, ...steps } });
  const runbook = defaultRunbook(tweak);
  const { incident } = incidents.openIncident(newIncident({ openedAt: new Date().toISOString() }));
  runs.createRun(incident.id, { target: { cluster: 'fake', namespace: 'shop', pod: 'checkout-7d9f8-abcde' }, runbook, maxLimitBytes: 4 * 1024 ** 3 }, T0);
  return { incidents, runs, runner, cluster, id: incident.id };
}

describe('the runner and single steps', () => {
  test('a step that hangs past its deadline fails as a timeout; the run stays resumable, never silent', async () => {
    const hang: Step = () => new Promise(() => {});
    const { runner, runs, incidents, id } = setUp({ detect: hang }, (runbook) => {
      runbook.steps.detect.timeoutSeconds = 0.2;
    });
    const run = await runner.advance(id);
    expect(run.status).toBe('active');
    expect(run.steps[0]).toMatchObject({ step: 'detect', status: 'failed', error: 'step detect did not finish within 200 ms' });
    expect(incidents.timeline(id).at(-1)).toMatchObject({ kind: 'step.failed', data: { retryable: true, code: 'Timeout' } });
    expect(runs.listUnfinishedRuns()).toHaveLength(1);
  });

  test('a step that throws a bug ends the run "failed" with the message, and the incident closes', async () => {
    const crash: Step = () => Promise.reject(new TypeError('boom'));
    const { runner, incidents, id } = setUp({ propose: crash });
    const run = await runner.advance(id);
    expect(run).toMatchObject({ status: 'finished', verdict: 'failed' });
    expect(incidents.getIncident(id)).toMatchObject({ status: 'closed', verdict: 'failed' });
  });

  test('rss-peak samples smaps_rollup through exec and the plan uses the peak (peak / 0.85, rounded)', async () => {
    const { runner, runs, cluster, id } = setUp({}, (runbook) => {
      runbook.steps['rss-peak'] = { ...runbook.steps['rss-peak'], enabled: true, samples: 4, intervalMs: 10 };
    });
    const pod = cluster.pods.get('shop/checkout-7d9f8-abcde')!;
    pod.status!.initContainerStatuses![0]!.state = { running: { startedAt: '2026-11-27T10:00:00Z' } };
    const kib = [40_000, 98_304, 70_000, 50_000];
    let sample = 0;
    cluster.exec = async (): Promise<ExecResult> => ({ stdout: `Rss:              ${kib[sample++ % kib.length]} kB\nPss:  1 kB\n`, stderr: '', exitCode: 0 });
    const run = await runner.advance(id);
    expect(run.steps.find((s) => s.step === 'evidence')).toMatchObject({ status: 'succeeded', result: { evidence: expect.arrayContaining([expect.objectContaining({ source: 'rss-sample', kind: 'measured-peak', bytes: 98_304 * 1024 })]) } });
    expect(run.steps.find((s) => s.step === 'propose')?.result).toMatchObject({ limit: '128Mi', rationale: 'measured peak 96Mi (RSS samples) / 0.85 = 113Mi, rounded up to 128Mi', basis: 'measured-peak' });
    expect(runs.getRun(id)?.steps.map((s) => s.step)).toEqual([...STEP_NAMES]);
  });

  test.each([
    ['Rss:               1024 kB\n', 1024 * 1024],
    ['Pss: 3 kB\n', null],
    ['', null],
  ])('rssBytes(%p) = %p', (text, bytes) => {
    expect(rssBytes(text)).toBe(bytes);
  });
});

import pino from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import type { Pod } from '../../src/core/k8s-types.js';
import { wireChecklist } from '../../src/wire-checklist.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';
import { newIncident, T0 } from '../store/incident-store-contract.js';
import { defaultRunbook } from '../support/default-runbook.js';

/** The seed's pod, but its kill recorded as a bare exit 137 (reason Error), on node node-1. */
function bare137(): Pod {
  const pod = oomKilledPod('shop', 'checkout-7d9f8-abcde', 'checkout');
  pod.spec.nodeName = 'node-1';
  pod.status!.initContainerStatuses![0]!.lastState = { terminated: { exitCode: 137, reason: 'Error', finishedAt: '2026-11-27T09:59:00Z' } };
  return pod;
}

async function detectOn(cluster: FakeCluster) {
  const { incidents, runs, runner } = wireChecklist({ dbPath: ':memory:', cluster, clock: systemClock, log: pino({ level: 'silent' }) });
  const { incident } = incidents.openIncident(newIncident({ openedAt: new Date().toISOString() }));
  runs.createRun(incident.id, { target: { cluster: 'fake', namespace: 'shop', pod: 'checkout-7d9f8-abcde' }, runbook: defaultRunbook(), maxLimitBytes: 4 * 1024 ** 3 }, T0);
  const run = await runner.advance(incident.id);
  return { run, findings: incidents.timeline(incident.id).filter((event) => event.kind === 'finding' && event.step === 'detect').map((event) => event.data) };
}

describe('detect: exit 137 without OOMKilled is triaged, not dismissed', () => {
  test("the node's kernel report names the container's process: an OOM kill the runtime did not record, and the checklist goes on", async () => {
    const cluster = new FakeCluster().add(bare137());
    cluster.nodeEventsByNode.set('node-1', [
      {
        reason: 'OOMKilling',
        type: 'Warning',
        lastTimestamp: '2026-11-27T09:59:00Z',
        message: 'Memory cgroup out of memory: Killed process 4242 (migrate) total-vm:1200000kB, anon-rss:64512kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:984',
      },
    ]);
    const { run, findings } = await detectOn(cluster);
    expect(run.steps.find((step) => step.step === 'detect')).toMatchObject({ status: 'succeeded', result: { container: 'migrate' } });
    expect(run.status).not.toBe('finished');
    expect(findings.find((finding) => finding.title === 'Exit 137 read as an OOM kill')?.detail).toMatch(/the node's OOMKilling event names its process/);
  });

  test('no memory evidence and no event that explains it: not called an OOM kill, nothing proposed, and it says what to read', async () => {
    const cluster = new FakeCluster().add(bare137());
    const { run, findings } = await detectOn(cluster);
    expect(run).toMatchObject({ status: 'finished', verdict: 'not-oom' });
    expect(findings[0]).toMatchObject({ title: 'Killed by SIGKILL, not by the OOM killer (cause unknown)' });
    expect(String(findings[0]?.detail)).toMatch(/no memory evidence and no event explains the SIGKILL/);
  });
});

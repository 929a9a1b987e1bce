import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { loadKubeConfig } from '../../src/adapters/k8s/load-kube-config.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { loadRunbook } from '../../src/runbook/load-runbook.js';
import { startIncident } from '../../src/runbook/start-incident.js';
import { wireChecklist } from '../../src/wire-checklist.js';
import { botEnv } from '../slack/bot-harness.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { serveProcess, spawnCli, type CliProcess } from '../support/cli-process.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';
import { startCampaignTry, type CampaignTry } from './campaign-env.js';

/** Two oom-check processes on one database and one pod: one acts, the other says who does. */
describe('two processes, one run', () => {
  let t: CampaignTry;
  let replica: SlackReplica | undefined;
  const processes: CliProcess[] = [];
  afterEach(async () => {
    for (const process of processes.splice(0)) {
      process.child.kill('SIGKILL');
      await process.exited;
    }
    await replica?.close();
    await t.close();
  });

  test('two `run --yes` on the same pod at once: one PATCH, one timeline, the other exits 8 naming the holder or finds the run done', async () => {
    t = await startCampaignTry();
    const args = ['run', `shop/${t.pod}`, '--yes'];
    const [a, b] = [spawnCli(args, t.env), spawnCli(args, t.env)];
    processes.push(a, b);
    const codes = [(await a.exited).code, (await b.exited).code];
    expect(t.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(1);
    const { timeline, integrity } = t.inspect();
    expect(integrity).toBe('ok');
    expect(timeline.filter((e) => e.kind === 'patch.applied')).toHaveLength(1);
    const succeeded = timeline.filter((e) => e.kind === 'step.succeeded').map((e) => e.step);
    expect(new Set(succeeded).size).toBe(succeeded.length);
    expect(codes).toContain(ExitCode.VerificationFailed);
    for (const [index, code] of codes.entries()) {
      const allowed: number[] = [ExitCode.VerificationFailed, ExitCode.RunHeldElsewhere];
      // Any other exit says why in the failure, not only which code.
      if (!allowed.includes(code ?? -1)) throw new Error(`process ${'ab'[index]} exited ${code}:\n${[a, b][index]!.output()}`);
      if (code === ExitCode.RunHeldElsewhere) expect([a, b][index]!.output()).toMatch(/is being run by another oom-check process \(.+:\d+:[0-9a-f]+\)/);
    }
  }, 60_000);

  test('two `serve` started together on a database with an approved run left by a crash: the run is patched once', async () => {
    t = await startCampaignTry();
    // The crash: a run approved, its process gone before it applied.
    writeFileSync(join(t.dir, 'kubeconfig'), t.sim.kubeconfigYaml());
    const cluster = new KubeCluster(loadKubeConfig({ kubeconfig: t.env.KUBECONFIG!, context: null }));
    const before = wireChecklist({ dbPath: t.env.OOM_CHECK_DB_PATH!, cluster, clock: systemClock, log: pino({ level: 'silent' }) });
    const runbook = loadRunbook(t.env.OOM_CHECK_RUNBOOK!);
    const { incident } = await startIncident(before, { namespace: 'shop', pod: t.pod, trigger: 'slack', actor: 'slack:U1', runbook, maxLimitBytes: 4 * 1024 ** 3, allowedNamespaces: [] });
    await before.runner.advance(incident.id);
    before.lifecycle.decide(incident.id, { actor: 'slack:U0APPROVER', decision: 'approve' });
    await before.close();

    replica = await startSlackReplica();
    const env = { ...botEnv(t.dir, replica.apiUrl), OOM_CHECK_RUNBOOK: t.env.OOM_CHECK_RUNBOOK };
    const [a, b] = [serveProcess(env), serveProcess(env)];
    processes.push(a, b);
    await Promise.all([a.url, b.url]);
    await pollUntil(async () => t.inspect().timeline.find((e) => e.kind === 'step.failed' && e.step === 'health'), 'the run to reach its verdict', 30_000);
    expect(t.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(1);
    const { timeline } = t.inspect();
    expect(timeline.filter((e) => e.kind === 'patch.applied')).toHaveLength(1);
    expect(timeline.filter((e) => e.kind === 'step.started' && e.step === 'apply')).toHaveLength(1);
  }, 60_000);
});

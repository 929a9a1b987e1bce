import { hostname } from 'node:os';
import pino from 'pino';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { KubeLeaseClient } from '../../src/adapters/k8s/kube-lease-client.js';
import { loadKubeConfig } from '../../src/adapters/k8s/load-kube-config.js';
import { loadRunbook } from '../../src/runbook/load-runbook.js';
import { startIncident } from '../../src/runbook/start-incident.js';
import { wireChecklist } from '../../src/wire-checklist.js';
import { botEnv } from '../slack/bot-harness.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { serveProcess, type CliProcess } from '../support/cli-process.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';
import { startCampaignTry, type CampaignTry } from './campaign-env.js';

const LEASE_SECONDS = 3;

/**
 * Two `serve` processes on one database and one cluster: the one holding the Lease acts, the
 * other stands by. The leader is SIGKILLed the instant the API server has applied its patch
 * (before it could record it); the standby takes the Lease once it expires, resumes the run from
 * the store, recognises the patch already applied, and finishes the run: one PATCH in all.
 */
describe('a leader killed, a standby takes over', () => {
  let t: CampaignTry;
  let replica: SlackReplica;
  const processes: CliProcess[] = [];
  afterEach(async () => {
    for (const process of processes.splice(0)) {
      process.child.kill('SIGKILL');
      await process.exited;
    }
    await replica?.close();
    await t?.close();
  });

  test('the standby never patches while the leader lives, takes the Lease within its duration (+ one try) after SIGKILL, and finishes the run', async () => {
    t = await startCampaignTry({ apiTimeout: '30s' });
    // An approved run waiting for its patch, as a person's approval in Slack leaves it.
    const cluster = new KubeCluster(loadKubeConfig({ kubeconfig: t.env.KUBECONFIG!, context: null }));
    const seed = wireChecklist({ dbPath: t.env.OOM_CHECK_DB_PATH!, cluster, clock: systemClock, log: pino({ level: 'silent' }) });
    const { incident } = await startIncident(seed, { namespace: 'shop', pod: t.pod, trigger: 'slack', actor: 'slack:U1', runbook: loadRunbook(t.env.OOM_CHECK_RUNBOOK!), maxLimitBytes: 4 * 1024 ** 3, allowedNamespaces: [] });
    await seed.runner.advance(incident.id);
    expect(seed.lifecycle.decide(incident.id, { actor: 'slack:U0APPROVER', decision: 'approve' }).outcome).toBe('settled');
    await seed.close();

    replica = await startSlackReplica();
    const env = { ...botEnv(t.dir, replica.apiUrl), ...t.env, LOG_LEVEL: 'info', OOM_CHECK_LEASE_DURATION: `${LEASE_SECONDS}s` };
    // The leader's patch is held at the API server until the standby is up and standing by.
    let standbyUp!: () => void;
    const standingBy = new Promise<void>((resolve) => (standbyUp = resolve));
    const isPatch = (request: { method: string; url: string }) => request.method === 'PATCH' && !request.url.includes('dryRun');
    t.proxy.rule((request) => (isPatch(request) ? { until: standingBy } : 'pass'));
    let killedAt: number | null = null;
    const leader = serveProcess(env);
    processes.push(leader);
    t.proxy.onAnswered((request) => {
      if (!isPatch(request) || killedAt !== null) return;
      leader.child.kill('SIGKILL');
      killedAt = Date.now();
    });
    await leader.url;
    const lease = new KubeLeaseClient(loadKubeConfig({ kubeconfig: t.env.KUBECONFIG!, context: null }), { name: 'oom-check', namespace: 'default' }, 2_000);
    const identityOf = (process: CliProcess) => `${hostname()}:${process.child.pid}:`;
    await pollUntil(async () => ((await lease.get())?.holder?.startsWith(identityOf(leader)) ? true : undefined), 'the first process to take the Lease', 15_000);

    const standby = serveProcess(env);
    processes.push(standby);
    const standbyUrl = await standby.url;
    const ready = (await (await fetch(`${standbyUrl}/readyz`)).json()) as { checks: Record<string, string> };
    expect(ready.checks['lease/oom-check-sim']).toMatch(new RegExp(`^standby: oom-check process ${identityOf(leader)}`));
    expect(t.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(0);
    standbyUp();

    const taken = await pollUntil(async () => {
      const now = await lease.get();
      return now?.holder?.startsWith(identityOf(standby)) ? now : undefined;
    }, 'the standby to take the Lease', 20_000);
    expect(killedAt).not.toBeNull();
    const takeoverMs = Date.parse(taken.acquireTime!) - killedAt!;
    // The Lease runs out at most LEASE_SECONDS after the leader's last renewal (before its death);
    // the standby looks every third of it. 500 ms for two processes on a loaded machine.
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + (LEASE_SECONDS * 1000) / 3 + 500);
    expect(taken.transitions).toBe(1);

    await pollUntil(async () => (t.inspect().timeline.some((e) => e.kind === 'incident.closed' || (e.kind === 'step.failed' && e.step === 'health')) ? true : undefined), 'the standby to finish the run', 30_000);
    expect(t.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(1);
    const { timeline, integrity } = t.inspect();
    expect(integrity).toBe('ok');
    expect(timeline.filter((e) => e.kind === 'patch.applied')).toHaveLength(1);
    expect(standby.output()).toMatch(/this process holds the Lease: it acts on the cluster/);
  }, 90_000);
});

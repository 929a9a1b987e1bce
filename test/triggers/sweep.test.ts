import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { Clusters } from '../../src/core/clusters.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { sweep } from '../../src/triggers/sweep.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { GiB, startHarness, type Harness } from '../runbook/checklist-harness.js';
import { startBotHarness, type BotHarness } from '../slack/bot-harness.js';

describe('the scheduled sweep', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  test('opens an incident for an OOMKilled pod no alert reported, and only once', async () => {
    h = await startHarness('seed-oom');
    const pod = await h.oomKilledPod('shop', 'checkout-');
    const opened: Array<[number, boolean]> = [];
    const deps = { ...h, clock: systemClock, log: pino({ level: 'silent' }), maxLimitBytes: 4 * GiB, allowedNamespaces: ['shop'], onIncident: (id: number, created: boolean) => opened.push([id, created]) };
    expect(await sweep(deps)).toEqual({ oomKilled: 1, opened: [1], failed: [] });
    expect(h.incidents.getIncident(1)).toMatchObject({ trigger: 'sweep', pod, owner: { kind: 'Deployment', name: 'checkout' } });
    expect(await sweep(deps)).toEqual({ oomKilled: 1, opened: [], failed: [] });
    expect(opened).toEqual([[1, true]]);
  });

  test('every cluster is swept; one that does not answer is reported and the others are swept all the same', async () => {
    h = await startHarness('seed-oom');
    const pod = await h.oomKilledPod('shop', 'checkout-');
    const gone = new KubeConfig();
    // Nothing listens on port 9 of the loopback (discard): the API server of this cluster is down.
    gone.loadFromOptions({ clusters: [{ name: 'gone', server: 'http://127.0.0.1:9', skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }], currentContext: 'gone' });
    const clusters = new Clusters([new KubeCluster(gone, { requestMs: 2_000, watchIdleMs: 6_000 }, 'a'), h.clusters.get()]);
    const deps = { ...h, clusters, clock: systemClock, log: pino({ level: 'silent' }), maxLimitBytes: 4 * GiB, allowedNamespaces: ['shop'], onIncident: () => {} };
    const result = await sweep(deps);
    expect(result).toEqual({ oomKilled: 1, opened: [1], failed: [{ cluster: 'a', message: expect.stringMatching(/cannot reach the Kubernetes API/) }] });
    expect(h.incidents.getIncident(1)).toMatchObject({ cluster: h.clusters.defaultName, trigger: 'sweep', pod });
  });

  test('a sweep-opened run stops at the approval gate even when the runbook auto-approves', async () => {
    h = await startHarness('seed-oom', (runbook) => {
      runbook.steps.approve.mode = 'auto';
    });
    await h.oomKilledPod('shop', 'checkout-');
    const deps = { ...h, clock: systemClock, log: pino({ level: 'silent' }), maxLimitBytes: 4 * GiB, allowedNamespaces: [], onIncident: () => {} };
    await sweep(deps);
    expect((await h.runner.advance(1)).status).toBe('waiting-approval');
    expect(h.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  });
});

describe('the bot\'s schedules', () => {
  let b: BotHarness;
  afterEach(async () => b.close());

  test('the sweep runs on its cron schedule, posts a card, and approvers are reminded', async () => {
    b = await startBotHarness({ env: { OOM_CHECK_SWEEP_SCHEDULE: '* * * * * *', OOM_CHECK_REMIND_AFTER: '1s', SLACK_CHANNEL: 'C0SWEEP' } });
    const card = await b.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 20_000);
    expect(card.args.channel).toBe('C0SWEEP');
    expect(b.bot.checklist.incidents.listIncidents().map((i) => i.trigger)).toEqual(['sweep']);
    const reminder = await b.replica.waitForCall('chat.postMessage', (call) => String(call.args.text).includes('has waited'), 20_000);
    expect(String(reminder.args.text)).toMatch(/^<@U0APPROVER> <!subteam\^S0APPROVERS> incident #1 has waited/);
    await pollUntil(async () => b.bot.checklist.incidents.timeline(1).find((e) => e.kind === 'escalation' && e.data.level === 'approvers'), 'the escalation row');
    expect(b.bot.checklist.incidents.listIncidents()).toHaveLength(1);
    expect(b.sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  }, 40_000);
});

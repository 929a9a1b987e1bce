import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { renderPostmortemMarkdown } from '../../src/core/postmortem/render-markdown.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { startBot, type Bot } from '../../src/start-bot.js';
import { APPROVER, botEnv, SECRET } from '../slack/bot-harness.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { postToBolt, slashCommandBody } from '../support/slack/sign-request.js';
import { multiClusterKubeconfig } from '../support/multi-cluster-kubeconfig.js';
import { oomKilledPod } from '../support/sim-pods.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';

/** One bot, two clusters (two simulators, one kubeconfig with a context each): alerts go where their label says. */
describe('one bot, two clusters', () => {
  let dir: string;
  let sims: Record<'a' | 'b', Simulator>;
  let replica: SlackReplica;
  let bot: Bot;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-two-'));
    sims = { a: await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 }), b: await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 }) };
    writeFileSync(join(dir, 'kubeconfig'), multiClusterKubeconfig({ a: sims.a.url, b: sims.b.url }));
    replica = await startSlackReplica();
    const env = botEnv(dir, replica.apiUrl, { OOM_CHECK_CLUSTERS: 'a=ctx-a,b=ctx-b', ALERTMANAGER_INSECURE: 'true', SLACK_CHANNEL: 'C0TWO', OOM_CHECK_API_TIMEOUT: '2s' });
    bot = await startBot({ env, log: pino({ level: 'silent' }) });
    await bot.resumed;
  });
  afterAll(async () => {
    await bot?.stop();
    await replica?.close();
    await Promise.all(Object.values(sims ?? {}).map((sim) => sim.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const alert = (labels: Record<string, string>) => ({
    status: 'firing',
    labels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', container: 'migrate', ...labels },
    annotations: {},
    startsAt: '2026-11-27T10:00:00.000Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.local/graph',
    fingerprint: createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16),
  });
  const deliver = async (labels: Record<string, string>) => {
    const body = JSON.stringify({ version: '4', groupKey: 'g', truncatedAlerts: 0, status: 'firing', receiver: 'oom-check', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.local', alerts: [alert(labels)] });
    const reply = await fetch(`${bot.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(reply.status).toBe(200);
    await bot.processAlerts();
    return bot.checklist.db.prepare('SELECT outcome, incident_id AS incidentId FROM alerts WHERE fingerprint = ?').get(alert(labels).fingerprint) as { outcome: string; incidentId: number | null };
  };
  const readsOf = (sim: Simulator, pod: string) => sim.requests().filter((request) => request.path.includes(`/pods/${pod}`));
  const readyz = async () => {
    const reply = await fetch(`${bot.url}/readyz`);
    const { checks } = (await reply.json()) as { checks: Record<string, string> };
    return { status: reply.status, checks };
  };

  test('both clusters are reported ready, each with its Lease held', async () => {
    expect(await readyz()).toEqual({ status: 200, checks: { database: 'ok', 'cluster/a': 'ok', 'lease/a': 'leader', 'cluster/b': 'ok', 'lease/b': 'leader' } });
    expect(sims.a.requests().some((request) => request.path === '/apis/coordination.k8s.io/v1/namespaces/default/leases' && request.method === 'POST')).toBe(true);
  });

  test('an alert labelled cluster=b is handled in cluster b only: its incident, its run, its card name b', async () => {
    const pod = await oomKilledPod(sims.b, 'shop', 'checkout-');
    const outcome = await deliver({ cluster: 'b', pod });
    expect(outcome.outcome).toMatch(/^opened incident \d+$/);
    const incident = bot.checklist.incidents.getIncident(outcome.incidentId!)!;
    expect(incident).toMatchObject({ cluster: 'b', namespace: 'shop', pod, owner: { kind: 'Deployment', name: 'checkout' } });
    await replica.waitForCall('chat.update', (call) => JSON.stringify(call.args.blocks ?? '').includes('Needs approval'), 30_000);
    expect(bot.checklist.runs.getRun(incident.id)?.spec.target.cluster).toBe('b');
    expect(readsOf(sims.b, pod).length).toBeGreaterThan(0);
    expect(readsOf(sims.a, pod)).toEqual([]);
    const card = replica.calls('chat.postMessage').find((call) => call.args.thread_ts === undefined)!;
    expect(JSON.stringify(card.args.blocks)).toContain('cluster `b`');
    const timeline = bot.checklist.incidents.timeline(incident.id);
    expect(timeline[0]).toMatchObject({ kind: 'incident.opened', data: { trigger: 'alertmanager', cluster: 'b' } });
    expect(renderPostmortemMarkdown(incident, timeline)).toContain('Deployment shop/checkout in cluster b');
  }, 60_000);

  test('an alert for a cluster the bot does not serve, or naming none, is kept with a clear outcome and acted on nowhere', async () => {
    const incidentsBefore = bot.checklist.incidents.listIncidents().length;
    expect((await deliver({ cluster: 'c', pod: 'checkout-1-abcde' })).outcome).toBe(
      'not handled: cluster "c" is not one this bot serves (it serves a, b): check the name, or add it to OOM_CHECK_CLUSTERS',
    );
    expect((await deliver({ pod: 'checkout-2-abcde' })).outcome).toMatch(/^not handled: the alert has no cluster label \(cluster\) and this bot serves several clusters \(a, b\)/);
    expect(bot.checklist.incidents.listIncidents()).toHaveLength(incidentsBefore);
    expect([...readsOf(sims.a, 'checkout-1-abcde'), ...readsOf(sims.b, 'checkout-1-abcde')]).toEqual([]);
  });

  test('/oom-check a/shop/<pod> and --cluster run the checklist in the cluster named, whatever the default', async () => {
    const pod = await oomKilledPod(sims.a, 'shop', 'checkout-');
    const reply = await postToBolt(`${bot.url}/slack/events`, slashCommandBody({ text: `a/shop/${pod}`, user_id: APPROVER.id, channel_id: 'C0TWO' }), { secret: SECRET });
    expect(reply.status).toBe(200);
    const opened = await pollUntil(async () => bot.checklist.incidents.listIncidents().find((incident) => incident.pod === pod), 'the incident in cluster a', 20_000);
    expect(opened).toMatchObject({ cluster: 'a', trigger: 'slack' });
    expect(readsOf(sims.a, pod).length).toBeGreaterThan(0);
    expect(readsOf(sims.b, pod)).toEqual([]);
    const unknown = await postToBolt(`${bot.url}/slack/events`, slashCommandBody({ text: `shop/${pod} --cluster c`, user_id: APPROVER.id, channel_id: 'C0TWO' }), { secret: SECRET });
    expect(unknown.status).toBe(200);
    const warned = await replica.waitForCall('chat.postEphemeral', (call) => String(call.args.text ?? '').includes('is not one this bot serves'), 20_000);
    expect(String(warned.args.text)).toContain('cluster "c" is not one this bot serves (it serves a, b)');
  }, 60_000);

  test('cluster a down: /readyz says so and stays ready, alerts for b are still handled and b is patched', async () => {
    await sims.a.close();
    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.checks['cluster/a']).toMatch(/cannot reach the Kubernetes API/);
    expect(ready.checks['cluster/b']).toBe('ok');
    // An alert for a, which does not answer: kept unprocessed for a later try, and it holds up nothing of b's.
    const forA = await deliver({ cluster: 'a', pod: 'checkout-5f6d7c8b9-aaaaa' });
    expect(forA.outcome).toBeNull();
    const incident = bot.checklist.incidents.listIncidents().find((candidate) => candidate.cluster === 'b');
    const outcome = await deliver({ cluster: 'b', pod: incident!.pod, container: 'init' });
    expect(outcome.outcome).toBe(`joined incident ${incident!.id}`);
    expect(bot.checklist.lifecycle.decide(incident!.id, { actor: 'slack:U0APPROVER', decision: 'approve' }).outcome).toBe('settled');
    const run = await bot.checklist.runner.advance(incident!.id);
    expect(run.status).toBe('finished');
    expect(sims.b.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
    expect(bot.checklist.incidents.timeline(incident!.id).filter((event) => event.kind === 'patch.applied')).toHaveLength(1);
    expect((bot.checklist.db.prepare('SELECT processed_at AS at FROM alerts WHERE fingerprint = ?').get(alert({ cluster: 'a', pod: 'checkout-5f6d7c8b9-aaaaa' }).fingerprint) as { at: string | null }).at).toBeNull();
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { STORM_ACTIONS, STORM_WAITING_BLOCK } from '../../src/adapters/slack/storm-card.js';
import { startBot, type Bot } from '../../src/start-bot.js';
import { FakeCluster, oomKilledPod } from '../fakes/fake-cluster.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { blockActionPayload } from '../support/slack/payloads.js';
import { blockActionBody, postToBolt } from '../support/slack/sign-request.js';
import { startSlackReplica, type RecordedCall, type SlackReplica } from '../support/slack/slack-replica.js';
import { APPROVER, SECRET, STRANGER } from './bot-harness.js';

const CHANNEL = 'C0STORM';
const WORKLOADS = 12;

function alertBody(workload: number): string {
  const pod = `w${workload}-5f6d7c8b9-p0`;
  const alert = {
    status: 'firing',
    labels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', pod, container: 'migrate' },
    annotations: {},
    startsAt: '2026-11-27T10:00:00.000Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: '',
    fingerprint: `f${String(workload).padStart(15, '0')}`,
  };
  return JSON.stringify({ version: '4', status: 'firing', receiver: 'oom-check', groupKey: `{}:${workload}`, alerts: [alert] });
}

describe('storm mode: more than 5 incidents within 5 minutes share one storm card', () => {
  let dir: string;
  let replica: SlackReplica;
  let bot: Bot;
  let clock: ManualClock;
  let ticking = true;
  let ticker: Promise<void>;
  afterAll(async () => {
    ticking = false;
    await ticker;
    await bot.stop();
    await replica.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const topLevel = () => replica.calls('chat.postMessage').filter((call) => !call.faulted && call.args.thread_ts === undefined);
  const text = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? call.args.text);
  const stormCard = () => topLevel().find((call) => text(call).includes('Storm:'));
  const latestStormCard = () => {
    const ts = stormCard()?.response.ts;
    return [...replica.calls()].reverse().find((call) => !call.faulted && (call.response.ts === ts || call.args.ts === ts) && call.args.thread_ts === undefined);
  };
  async function open(workload: number): Promise<void> {
    const reply = await fetch(`${bot.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: alertBody(workload) });
    expect(reply.status).toBe(200);
    await bot.processAlerts();
  }
  const click = (user: { id: string; username: string }, stormId: number, ts: string) =>
    postToBolt(`${bot.url}/slack/events`, blockActionBody(blockActionPayload({ actions: [{ action_id: STORM_ACTIONS.approveAll, value: String(stormId) }], user, channel: { id: CHANNEL, name: 'storm' }, message: { ts } })), { secret: SECRET });

  test('five incidents get their own cards; the sixth starts the storm card; Approve all is confirmed, refused to a stranger, and decides each through the lifecycle; the storm ends when the rate falls', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-storm-mode-'));
    replica = await startSlackReplica();
    replica.setUser(APPROVER.id, { name: APPROVER.username, real_name: APPROVER.username, profile: { display_name: APPROVER.username, real_name: APPROVER.username } });
    const cluster = new FakeCluster();
    for (let w = 0; w < WORKLOADS; w++) cluster.add(oomKilledPod('shop', `w${w}-5f6d7c8b9-p0`, `w${w}`));
    // The bot's clock starts at the wall clock (Slack's signed requests are judged against it) and
    // moves only as the test says: 20 ms at a time while the test waits for Slack, minutes at once later.
    clock = new ManualClock(Date.now());
    ticker = (async () => {
      while (ticking) {
        await clock.advance(20);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    bot = await startBot({
      env: {
        OOM_CHECK_DB_PATH: join(dir, 'storm.db'), PORT: '0', HOST: '127.0.0.1', OOM_CHECK_SWEEP_SCHEDULE: 'off', OOM_CHECK_REMIND_AFTER: 'off', OOM_CHECK_WATCH: 'off',
        SLACK_BOT_TOKEN: 'xoxb-storm', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: replica.apiUrl, SLACK_APPROVERS: APPROVER.id, SLACK_CHANNEL: CHANNEL,
        ALERTMANAGER_INSECURE: 'true', SLACK_RATE_SCALE: '50',
      },
      cluster,
      clock,
      log: pino({ level: 'silent' }),
    });

    for (let w = 0; w < 5; w++) await open(w);
    await pollUntil(async () => (topLevel().length === 5 ? true : undefined), 'five cards');
    expect(stormCard()).toBeUndefined();

    await open(5);
    const storm = await pollUntil(async () => stormCard(), 'the storm card');
    expect(text(storm)).toContain('Storm: 6 incidents');
    for (let w = 6; w < 10; w++) await open(w);
    const waiting = await pollUntil(async () => {
      const card = latestStormCard();
      return card && text(card).includes('Storm: 10 incidents') && text(card).includes('10 proposals wait for approval:* #1–#10') ? card : undefined;
    }, 'the storm card with ten proposals waiting', 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; the storm card says ${latestStormCard() ? text(latestStormCard()!) : 'nothing'}`);
    });
    // Six top-level messages: five cards and the storm card; incidents 6-10 have none of their own.
    expect(topLevel()).toHaveLength(6);
    for (let id = 6; id <= 10; id++) expect(bot.checklist.incidents.getIncident(id)?.chat).toBeNull();
    expect(bot.checklist.incidents.timeline(1).find((e) => e.kind === 'storm.joined')?.data.message).toBe('listed on storm card 1; it keeps its own card');
    expect(bot.checklist.incidents.timeline(8).find((e) => e.kind === 'storm.joined')?.data.message).toBe("listed on storm card 1 instead of a card of its own; its thread is the storm card's");
    const blocks = waiting.args.blocks as Array<{ type: string; block_id?: string; elements?: Array<Record<string, unknown>> }>;
    expect(blocks.find((block) => block.block_id === STORM_WAITING_BLOCK)).toBeDefined();
    const button = blocks.flatMap((block) => block.elements ?? []).find((element) => element.action_id === STORM_ACTIONS.approveAll)!;
    expect(button).toMatchObject({ text: { text: 'Approve all 10 proposals' }, value: '1', confirm: { title: { text: 'Approve 10 proposals?' }, confirm: { text: 'Approve all' } } });
    // The storm thread pings the approvers once.
    await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === storm.response.ts && String(call.args.text).includes(`<@${APPROVER.id}>`) && String(call.args.text).includes('Approval needed'));

    // A stranger is refused, told so, and the attempt is on every waiting incident's timeline.
    expect((await click(STRANGER, 1, String(storm.response.ts))).status).toBe(200);
    await replica.waitForCall('chat.postEphemeral', (call) => call.args.user === STRANGER.id && String(call.args.text).startsWith(':no_entry: Only'));
    for (let id = 1; id <= 10; id++) expect(bot.checklist.incidents.timeline(id).some((e) => e.kind === 'access.denied' && e.data.action === STORM_ACTIONS.approveAll)).toBe(true);
    expect(bot.checklist.incidents.timeline(1).some((e) => e.kind === 'decision')).toBe(false);

    // One decided on its own card first: Approve all leaves it as decided.
    expect(bot.checklist.lifecycle.decide(3, { actor: `slack:${APPROVER.id}`, decision: 'reject' }).outcome).toBe('settled');
    expect((await click(APPROVER, 1, String(storm.response.ts))).status).toBe(200);
    const summary = await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === storm.response.ts && String(call.args.text).startsWith(':+1:'), 15_000);
    expect(String(summary.args.text)).toBe(`:+1: *Approved 9 of 9 proposals* with Approve all, by <@${APPROVER.id}>.`);
    for (const id of [1, 2, 4, 5, 6, 7, 8, 9, 10]) {
      expect(bot.checklist.incidents.timeline(id).filter((e) => e.kind === 'decision')).toEqual([
        expect.objectContaining({ actor: `slack:${APPROVER.id}`, data: expect.objectContaining({ decision: 'approve', reason: 'Approve all on storm card 1' }) }),
      ]);
    }
    expect(bot.checklist.incidents.timeline(3).filter((e) => e.kind === 'decision').map((e) => e.data.decision)).toEqual(['reject']);

    // A second click finds nothing left to approve.
    await click(APPROVER, 1, String(storm.response.ts));
    await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === storm.response.ts && String(call.args.text).includes('Approved 0 of 0'), 15_000);

    // Five minutes without openings: the rate fell, the storm card says so, the next incident gets its own card.
    ticking = false;
    await ticker;
    await clock.advance(5 * 60_000 + 10_000);
    ticking = true;
    ticker = (async () => {
      while (ticking) {
        await clock.advance(20);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await pollUntil(async () => (latestStormCard() && text(latestStormCard()!).includes('Storm over: 10 incidents') ? true : undefined), 'the storm card to leave storm mode');
    await open(10);
    await pollUntil(async () => (topLevel().length === 7 ? true : undefined), 'a card of its own for incident 11');
    expect(bot.checklist.incidents.getIncident(11)?.chat).not.toBeNull();
  }, 90_000);
});

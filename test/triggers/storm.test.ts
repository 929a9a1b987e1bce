import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startBot, type Bot } from '../../src/start-bot.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';
import { STORM, stormCluster, stormWebhooks } from './storm.js';

// Slack's limits, 400 times faster: the bot paces to them; the replica enforces them with a quarter
// more room, because at this speed the event loop's jitter alone would bunch calls past a bucket
// (and a 429's Retry-After is at least 1 s, 400 s of Slack time).
const SCALE = 400;

describe('an alert storm: 5,000 alerts over 500 workloads in 50 webhooks', () => {
  let dir: string;
  let replica: SlackReplica;
  let bot: Bot;
  afterAll(async () => {
    await bot.stop();
    await replica.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('nothing lost, one incident and one card per workload (storm mode off), Slack calls paced per channel', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-storm-'));
    replica = await startSlackReplica({ rateLimits: { scale: SCALE * 1.25 } });
    bot = await startBot({
      env: {
        OOM_CHECK_DB_PATH: join(dir, 'storm.db'), PORT: '0', HOST: '127.0.0.1', OOM_CHECK_SWEEP_SCHEDULE: 'off', OOM_CHECK_REMIND_AFTER: 'off',
        SLACK_BOT_TOKEN: 'xoxb-storm', SLACK_SIGNING_SECRET: 'storm-secret', SLACK_API_URL: replica.apiUrl, SLACK_APPROVERS: 'U0ONCALL',
        SLACK_CHANNEL: 'C0STORM', SLACK_RATE_SCALE: String(SCALE), OOM_CHECK_STORM_THRESHOLD: 'off', ALERTMANAGER_BEARER_TOKEN: 'storm-token',
      },
      cluster: stormCluster(),
      log: pino({ level: 'silent' }),
    });
    const replies = await Promise.all(
      stormWebhooks().map((body) =>
        fetch(`${bot.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer storm-token' }, body }),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(STORM.webhooks).fill(200));
    const total = STORM.workloads * STORM.podsPerWorkload;
    expect((bot.checklist.db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n).toBe(total);

    await bot.processAlerts();
    expect((bot.checklist.db.prepare('SELECT count(*) AS n FROM alerts WHERE processed_at IS NULL').get() as { n: number }).n).toBe(0);
    const incidents = bot.checklist.incidents.listIncidents();
    expect(incidents).toHaveLength(STORM.workloads);
    const firing = bot.checklist.db.prepare("SELECT incident_id, count(*) AS n FROM alerts WHERE outcome LIKE 'opened%' OR outcome LIKE 'joined%' GROUP BY incident_id").all() as Array<{ n: number }>;
    expect(firing.every((row) => row.n === STORM.podsPerWorkload)).toBe(true);

    const cards = () => replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === undefined);
    await pollUntil(async () => (cards().length === STORM.workloads ? true : undefined), 'a card per workload', 240_000);
    expect(new Set(cards().map((call) => call.response.ts)).size).toBe(STORM.workloads);

    // The replica shares this process's event loop, so arrival times can bunch; the whole span of
    // the channel's messages cannot: one a second per channel (times SCALE) after a burst of 3.
    const messages = replica.calls('chat.postMessage').filter((call) => !call.faulted).map((call) => call.at.getTime()).sort((a, b) => a - b);
    expect(messages.length).toBeGreaterThanOrEqual(STORM.workloads);
    expect(messages.at(-1)! - messages[0]!).toBeGreaterThanOrEqual(((messages.length - 3) / SCALE) * 1000 * 0.95);
    // A 429 (the replica enforcing the limits) is waited out and sent again: nothing failed for good.
    for (const incident of incidents) expect(bot.checklist.incidents.timeline(incident.id).filter((event) => event.kind === 'delivery.failed')).toEqual([]);
    expect(replica.calls().filter((call) => !call.faulted && call.response.ok !== true)).toEqual([]);
  }, 360_000);
});

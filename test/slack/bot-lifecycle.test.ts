import { oomKilledPod } from '../support/sim-pods.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/sqlite-run-store.js';
import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { startBot } from '../../src/start-bot.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { blockActionPayload, slashCommandFields } from '../support/slack/payloads.js';
import { blockActionBody, postToBolt, slashCommandBody } from '../support/slack/sign-request.js';
import { serveProcess } from '../support/cli-process.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';
import { APPROVER, botEnv, CHANNEL, SECRET } from './bot-harness.js';

describe('the bot over its life', () => {
  let dir: string;
  let sim: Simulator;
  let replica: SlackReplica;
  let env: NodeJS.ProcessEnv;

  async function setUp(timeScale: number, extra: NodeJS.ProcessEnv = {}) {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-life-'));
    sim = await startSimulator({ scenario: 'seed-oom', timeScale });
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
    replica = await startSlackReplica();
    env = botEnv(dir, replica.apiUrl, extra);
  }

  afterEach(async () => {
    await replica.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Socket Mode: the same command flow over a local WebSocket', async () => {
    await setUp(0.001, { SLACK_APP_TOKEN: 'xapp-1-A0001-test', SLACK_SIGNING_SECRET: '' });
    const bot = await startBot({ env, log: pino({ level: 'silent' }) });
    try {
      await replica.socket.connected();
      const pod = await oomKilledPod(sim, 'shop');
      const ack = await replica.socket.send('slash_commands', slashCommandFields({ text: `shop/${pod}`, user_id: APPROVER.id, channel_id: CHANNEL }));
      expect(ack.envelope_id).toEqual(expect.any(String));
      const card = await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 15_000);
      await replica.waitForCall('chat.update', (call) => JSON.stringify(call.args.blocks).includes('oom_approve'), 15_000);
      await replica.socket.send('interactive', blockActionPayload({ actions: [{ action_id: ACTIONS.approve, value: '1' }], user: APPROVER, message: { ts: String(card.response.ts) } }));
      await replica.waitForCall('chat.update', (call) => JSON.stringify(call.args.blocks).includes('Fixed: Deployment shop/checkout'), 15_000);
      expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
      const health = await fetch(`${bot.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await bot.stop();
    }
  });

  test('/readyz reports the database, the cluster and its Lease; 503 when the API server is gone', async () => {
    await setUp(0.001);
    const bot = await startBot({ env, log: pino({ level: 'silent' }) });
    try {
      await bot.resumed;
      expect(await (await fetch(`${bot.url}/readyz`)).json()).toEqual({ status: 'ready', checks: { database: 'ok', 'cluster/oom-check-sim': 'ok', 'lease/oom-check-sim': 'leader' } });
      await sim.close();
      const down = await fetch(`${bot.url}/readyz`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { checks: Record<string, string> }).checks['cluster/oom-check-sim']).toMatch(/cannot reach the Kubernetes API/);
      expect((await fetch(`${bot.url}/nope`)).status).toBe(404);
    } finally {
      await bot.stop();
    }
  });

  test('SIGTERM during a run, then restart: the run resumes and its card keeps updating', async () => {
    await setUp(0.3);
    const serve = () => serveProcess(env);

    const first = serve();
    const url = await first.url;
    const pod = await oomKilledPod(sim, 'shop');
    expect((await postToBolt(`${url}/slack/events`, slashCommandBody({ text: `shop/${pod}`, user_id: APPROVER.id, channel_id: CHANNEL }), { secret: SECRET })).status).toBe(200);
    const card = await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 20_000);
    await replica.waitForCall('chat.update', (call) => JSON.stringify(call.args.blocks).includes('oom_approve'), 20_000);
    await postToBolt(`${url}/slack/events`, blockActionBody(blockActionPayload({ actions: [{ action_id: ACTIONS.approve, value: '1' }], user: APPROVER, message: { ts: String(card.response.ts) } })), { secret: SECRET });
    await sim.waitFor(() => sim.patchCount('Deployment', 'shop', 'checkout') === 1, 20_000, 'the patch');

    const exited = new Promise<number | null>((resolve) => first.child.on('exit', resolve));
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(first.output()).toContain('SIGTERM: finishing running steps, then stopping');

    const { db } = openDatabase(env.OOM_CHECK_DB_PATH!);
    const run = new SqliteRunStore(db, new SqliteIncidentStore(db)).getRun(1)!;
    db.close();
    expect(run.status).not.toBe('finished');
    expect(run.steps.find((step) => step.step === 'apply')?.status).toBe('succeeded');

    const updatesBefore = replica.calls('chat.update').length;
    const second = serve();
    await second.url;
    const fixed = await replica.waitForCall('chat.update', (call) => JSON.stringify(call.args.blocks).includes('Fixed: Deployment shop/checkout'), 30_000);
    expect(fixed.args.ts).toBe(card.response.ts);
    expect(replica.calls('chat.update').length).toBeGreaterThan(updatesBefore + 1);
    expect(replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === undefined)).toHaveLength(1);
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
    const stopped = new Promise<number | null>((resolve) => second.child.on('exit', resolve));
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);
    await pollUntil(async () => true, 'done');
  }, 90_000);
});

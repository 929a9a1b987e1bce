/**
 * Slack latency: from a signed `/oom-check shop/<pod>` POST to the incident card's
 * chat.postMessage arriving at the local Slack replica, over RUNS commands against the simulator.
 * Each incident is rejected afterwards so the next command opens a new one (and a new card).
 * Run: npm run bench:slack
 */
import { oomKilledPod } from '../test/support/sim-pods.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startSimulator } from '../src/sim/start-simulator.js';
import { startBot } from '../src/start-bot.js';
import { postToBolt, slashCommandBody } from '../test/support/slack/sign-request.js';
import { startSlackReplica } from '../test/support/slack/slack-replica.js';

const RUNS = Number(process.env.RUNS ?? 300);
const SECRET = 'bench-signing-secret';
const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-slack-'));
const sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
const replica = await startSlackReplica();
const bot = await startBot({
  env: {
    OOM_CHECK_DB_PATH: join(dir, 'bench.db'), KUBECONFIG: join(dir, 'kubeconfig'), PORT: '0', HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: replica.apiUrl, SLACK_APPROVERS: 'U0BENCH',
    // Pacing off: this measures the bot's own latency, not how long a busy channel's queue is.
    SLACK_RATE_SCALE: '1000', OOM_CHECK_SWEEP_SCHEDULE: 'off', OOM_CHECK_REMIND_AFTER: 'off',
  },
  log: pino({ level: 'silent' }),
});
const pod = await oomKilledPod(sim, 'shop');

const latencies: number[] = [];
for (let i = 1; i <= RUNS; i++) {
  const body = slashCommandBody({ text: `shop/${pod}`, user_id: 'U0BENCH', channel_id: 'C0BENCH' });
  const start = Date.now();
  const response = await postToBolt(`${bot.url}/slack/events`, body, { secret: SECRET });
  if (response.status !== 200) throw new Error(`command ${i} answered ${response.status}`);
  const card = await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined && String(call.args.text).startsWith(`Incident ${i}:`), 10_000);
  latencies.push(card.at.getTime() - start);
  await replica.waitForCall('chat.update', (call) => call.args.ts === card.response.ts && JSON.stringify(call.args.blocks).includes('oom_approve'), 10_000);
  bot.checklist.lifecycle.decide(i, { actor: 'slack:U0BENCH', decision: 'reject' });
}
await bot.stop();
await replica.close();
await sim.close();
rmSync(dir, { recursive: true, force: true });

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
console.log(`signed /oom-check -> card chat.postMessage at the replica, ${RUNS} runs (node ${process.version})`);
console.log(`p50 ${pct(50)} ms   p90 ${pct(90)} ms   p99 ${pct(99)} ms   max ${sorted.at(-1)} ms`);

/**
 * Alert latency and storms.
 * 1. Webhook received -> the card's chat.postMessage at the Slack replica, p50/p99 over RUNS
 *    single-alert webhooks against the simulator (each incident rejected so the next opens anew).
 * 2. The storm: 5,000 alerts over 500 workloads in 50 concurrent webhooks against an in-memory
 *    cluster: time to ingest (all 50 answered, alerts persisted), time until every alert is
 *    processed and every card posted, Slack calls, and the process's peak memory.
 * Run: npm run bench:alerts
 */
import { oomKilledPod } from '../test/support/sim-pods.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { startSimulator } from '../src/sim/start-simulator.js';
import { startBot } from '../src/start-bot.js';
import { startSlackReplica } from '../test/support/slack/slack-replica.js';
import { STORM, stormCluster, stormWebhooks } from '../test/triggers/storm.js';

const RUNS = Number(process.env.RUNS ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-alerts-'));
const baseEnv = { PORT: '0', HOST: '127.0.0.1', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench', SLACK_APPROVERS: 'U0BENCH', SLACK_CHANNEL: 'C0BENCH', ALERTMANAGER_BEARER_TOKEN: 'bench-token', OOM_CHECK_SWEEP_SCHEDULE: 'off', OOM_CHECK_REMIND_AFTER: 'off', OOM_CHECK_STORM_THRESHOLD: 'off' };
const post = (url: string, body: string) => fetch(`${url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token' }, body });
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

// 1. latency
{
  const sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
  const replica = await startSlackReplica();
  // Pacing off: this measures the bot's own latency, not how long a busy channel's queue is.
  const bot = await startBot({
    env: { ...baseEnv, OOM_CHECK_DB_PATH: join(dir, 'latency.db'), KUBECONFIG: join(dir, 'kubeconfig'), SLACK_API_URL: replica.apiUrl, SLACK_RATE_SCALE: '1000' },
    log: pino({ level: 'silent' }),
  });
  const pod = await oomKilledPod(sim, 'shop');
  const latencies: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const alert = { status: 'firing', labels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', pod, container: 'migrate' }, annotations: {}, startsAt: new Date(Date.UTC(2026, 10, 27, 10, 0, i)).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: i.toString(16).padStart(16, '0') };
    const start = Date.now();
    const reply = await post(bot.url, JSON.stringify({ version: '4', status: 'firing', receiver: 'oom-check', groupKey: `{}:${i}`, alerts: [alert] }));
    if (reply.status !== 200) throw new Error(`webhook ${i} answered ${reply.status}`);
    const card = await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined && String(call.args.text).startsWith(`Incident ${i}:`), 10_000);
    latencies.push(card.at.getTime() - start);
    await replica.waitForCall('chat.update', (call) => call.args.ts === card.response.ts && JSON.stringify(call.args.blocks).includes('oom_approve'), 10_000);
    bot.checklist.lifecycle.decide(i, { actor: 'slack:U0BENCH', decision: 'reject' });
    // Its resolution lets the incident close, so the next alert opens a new one.
    const resolved = { ...alert, status: 'resolved', endsAt: new Date().toISOString() };
    await post(bot.url, JSON.stringify({ version: '4', status: 'resolved', receiver: 'oom-check', groupKey: `{}:${i}`, alerts: [resolved] }));
    await bot.processAlerts();
  }
  await bot.stop();
  await replica.close();
  await sim.close();
  console.log(`webhook received -> card chat.postMessage, ${RUNS} alerts: p50 ${pct(latencies, 50)} ms, p99 ${pct(latencies, 99)} ms, max ${Math.max(...latencies)} ms`);
}

// 2. storm
{
  const replica = await startSlackReplica();
  const bot = await startBot({
    env: { ...baseEnv, OOM_CHECK_DB_PATH: join(dir, 'storm.db'), SLACK_API_URL: replica.apiUrl, SLACK_RATE_SCALE: '400', OOM_CHECK_STORM_THRESHOLD: 'off' },
    cluster: stormCluster(),
    log: pino({ level: 'silent' }),
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const bodies = stormWebhooks();
  const start = performance.now();
  const replies = await Promise.all(bodies.map((body) => post(bot.url, body)));
  const ingested = performance.now() - start;
  if (replies.some((reply) => reply.status !== 200)) throw new Error('a storm webhook was refused');
  await bot.processAlerts();
  const processed = performance.now() - start;
  const cards = () => replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === undefined).length;
  while (cards() < STORM.workloads) await new Promise((resolve) => setTimeout(resolve, 50));
  const carded = performance.now() - start;
  clearInterval(sampler);
  const incidents = bot.checklist.incidents.listIncidents().length;
  const calls = replica.calls().length;
  await bot.stop();
  await replica.close();
  console.log(`storm: ${STORM.workloads * STORM.podsPerWorkload} alerts, ${STORM.workloads} workloads, ${STORM.webhooks} webhooks (node ${process.version})`);
  console.log(`  ingested (all webhooks answered, alerts persisted): ${ingested.toFixed(0)} ms`);
  console.log(`  every alert processed: ${processed.toFixed(0)} ms; every card posted: ${carded.toFixed(0)} ms (Slack paced per method and channel at 400 times its limits, storm mode off)`);
  console.log(`  incidents: ${incidents}; Slack calls so far: ${calls}; peak RSS: ${(peakRss / 1024 ** 2).toFixed(0)} MiB`);
}
rmSync(dir, { recursive: true, force: true });

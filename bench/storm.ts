/**
 * An alert storm against a Slack that rate-limits as Slack does: 500 workloads OOM-killed within
 * one minute (5,000 alerts in 50 webhooks spread over the minute, test/triggers/storm.ts) against
 * an in-memory cluster, and the local Slack replica enforcing Slack's per-method, per-channel limits
 * (429 + Retry-After). Prints: the time until every proposal is visible to an approver (an Approve
 * button that decides it, on its own card or the storm card), the Slack calls made by then and in
 * all, the 429s and whether any was left unanswered (never retried to success).
 *
 * SCALE (default 1) multiplies the replica's rates and the bot's pacing alike (and the minute the
 * kills spread over is divided by it): times are printed as measured and multiplied back by SCALE,
 * which is what Slack's real limits give as long as the bot's own work is not the bottleneck.
 * DEADLINE_S (default 900) stops waiting; the figures then say how far it got.
 * Run: npm run bench:storm   (SCALE=20 npm run bench:storm)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { startBot } from '../src/start-bot.js';
import { startSlackReplica, type RecordedCall } from '../test/support/slack/slack-replica.js';
import { STORM, stormCluster, stormWebhooks } from '../test/triggers/storm.js';

const SCALE = Number(process.env.SCALE ?? 1);
const DEADLINE_MS = Number(process.env.DEADLINE_S ?? 900) * 1000;
const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-storm-'));
const replica = await startSlackReplica({ rateLimits: { scale: SCALE } });
const bot = await startBot({
  env: {
    OOM_CHECK_DB_PATH: join(dir, 'storm.db'), PORT: '0', HOST: '127.0.0.1', OOM_CHECK_SWEEP_SCHEDULE: 'off', OOM_CHECK_REMIND_AFTER: 'off', OOM_CHECK_WATCH: 'off',
    SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench', SLACK_API_URL: replica.apiUrl, SLACK_APPROVERS: 'U0ONCALL', SLACK_CHANNEL: 'C0STORM',
    ALERTMANAGER_BEARER_TOKEN: 'bench-token',
    // Pacing as Slack limits it, times SCALE: SLACK_RATE_SCALE for per-method pacing; the single
    // global bucket of earlier releases read SLACK_CALLS_PER_SECOND (1 by default).
    SLACK_RATE_SCALE: String(SCALE), SLACK_CALLS_PER_SECOND: String(SCALE),
  },
  cluster: stormCluster(),
  log: pino({ level: 'silent' }),
});

/** Incident ids whose proposal this call shows with a button that decides it. */
function visibleIn(call: RecordedCall): number[] {
  if (call.faulted || call.response.ok !== true || !Array.isArray(call.args.blocks)) return [];
  const ids: number[] = [];
  for (const block of call.args.blocks as Array<Record<string, unknown>>) {
    for (const element of (block.elements as Array<Record<string, unknown>> | undefined) ?? []) {
      if (element.action_id === 'oom_approve') ids.push(Number(element.value));
    }
    // The storm card: a block `storm_waiting` lists the incidents its "Approve all" decides, as `#3`, `#5–#9`.
    if (block.block_id === 'storm_waiting') {
      const text = String((block.text as { text?: string } | undefined)?.text ?? '');
      for (const [, from, to] of text.matchAll(/#(\d+)(?:–#(\d+))?/g)) for (let id = Number(from); id <= Number(to ?? from); id++) ids.push(id);
    }
  }
  return ids;
}

const bodies = stormWebhooks();
const start = performance.now();
const posting = (async () => {
  for (const [i, body] of bodies.entries()) {
    const due = start + (i * 60_000) / SCALE / bodies.length;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const reply = await fetch(`${bot.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token' }, body });
    if (reply.status !== 200) throw new Error(`storm webhook ${i} answered ${reply.status}`);
  }
})();

const visible = new Set<number>();
let seen = 0;
let allVisibleAt: number | null = null;
let callsByThen = 0;
while (performance.now() - start < DEADLINE_MS) {
  const calls = replica.calls();
  for (; seen < calls.length; seen++) for (const id of visibleIn(calls[seen]!)) visible.add(id);
  if (visible.size >= STORM.workloads) {
    allVisibleAt = performance.now() - start;
    callsByThen = calls.filter((call) => call.method !== 'auth.test').length;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await posting;
const elapsed = performance.now() - start;
// What is still queued goes on; the figures below count the calls so far.
const calls = replica.calls().filter((call) => call.method !== 'auth.test');
const limited = replica.rateLimited();
const key = (call: RecordedCall) => `${call.method} ${JSON.stringify(call.args)}`;
const succeeded = new Set(calls.filter((call) => !call.faulted && call.response.ok === true).map(key));
const unanswered = limited.filter((call) => !succeeded.has(key(call))).length;
const counts = new Map<string, number>();
for (const call of calls) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
const byMethod = [...counts].map(([method, n]) => `${method} ${n}`).join(', ');
await bot.stop();
await replica.close();
rmSync(dir, { recursive: true, force: true });

const real = (ms: number) => `${((ms * SCALE) / 1000).toFixed(1)} s${SCALE === 1 ? '' : ` (measured ${(ms / 1000).toFixed(1)} s at SCALE ${SCALE})`}`;
console.log(`storm: ${STORM.workloads} workloads OOM-killed within a minute, ${STORM.workloads * STORM.podsPerWorkload} alerts, Slack replica enforcing per-method/per-channel limits (node ${process.version})`);
console.log(allVisibleAt === null
  ? `  every proposal visible to an approver: NOT within ${real(elapsed)}: ${visible.size} of ${STORM.workloads} visible`
  : `  every proposal visible to an approver: ${real(allVisibleAt)}; Slack calls by then: ${callsByThen}`);
console.log(`  Slack calls in all: ${calls.length} (${byMethod})`);
console.log(`  429s answered by the replica: ${limited.length}; left unanswered (never retried to success): ${unanswered}`);

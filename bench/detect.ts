/**
 * Detection latency: OOM kill -> the card's chat.postMessage at the Slack replica, for each path
 * that opens an incident by itself:
 *  - watch: the bot follows the pods (OOM_CHECK_WATCH=on);
 *  - sweep: the scheduled list, here on a 1-second cron (`* * * * * *`; production: every minute);
 *  - Prometheus + Alertmanager: the real binaries with the shipped rule and receiver, intervals
 *    shortened (scrape/evaluation 1s, for: 1s, group_wait 1s).
 * Each run starts the simulator with the seed's Deployment scaled to 0, starts everything, then
 * scales it to 1: the kill is the moment the simulator first shows the new pod's init container
 * OOMKilled (wall clock), the card the moment the replica received it.
 * Then the Prometheus path with the production intervals, computed (not measured) from the shipped
 * files (for:, group_wait) and the usual scrape 30s / evaluation 1m.
 * Run: npm run bench:detect   (RUNS=3 by default; ~2 minutes)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { packageRoot } from '../src/paths.js';
import { parseScenario } from '../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../src/sim/start-simulator.js';
import { startBot } from '../src/start-bot.js';
import { botEnv } from '../test/slack/bot-harness.js';
import { durationSeconds, SHIPPED_RECEIVER, SHIPPED_RULES, startAlertPath } from '../test/support/alert-path.js';
import { startSlackReplica } from '../test/support/slack/slack-replica.js';

const RUNS = Number(process.env.RUNS ?? 3);
const TOKEN = 'bench-detect-token';
type Path = 'watch' | 'sweep' | 'prometheus';

/** The seed's case with its Deployment at 0 replicas: nothing is killed until the bench scales it. */
function idleSeed() {
  const doc = parse(readFileSync(join(packageRoot, 'scenarios', 'seed-oom.yaml'), 'utf8')) as { workloads: Array<{ name: string; replicas?: number }> };
  for (const workload of doc.workloads) if (workload.name === 'checkout') workload.replicas = 0;
  return parseScenario(JSON.stringify(doc), 'seed-oom, scaled to 0');
}

function killed(sim: Simulator): boolean {
  return sim.listObjects('Pod', 'shop').some((pod) =>
    ((pod as { status?: { initContainerStatuses?: Array<{ state?: { terminated?: { reason?: string } }; lastState?: { terminated?: { reason?: string } } }> } }).status?.initContainerStatuses ?? []).some(
      (status) => status.state?.terminated?.reason === 'OOMKilled' || status.lastState?.terminated?.reason === 'OOMKilled',
    ),
  );
}

async function once(path: Path): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-detect-'));
  const sim = await startSimulator({ scenario: idleSeed(), timeScale: 0.05 });
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
  const replica = await startSlackReplica();
  const env = botEnv(dir, replica.apiUrl, {
    SLACK_CHANNEL: 'C0BENCH',
    ALERTMANAGER_BEARER_TOKEN: TOKEN,
    OOM_CHECK_WATCH: path === 'watch' ? 'on' : 'off',
    OOM_CHECK_SWEEP_SCHEDULE: path === 'sweep' ? '* * * * * *' : 'off',
    SLACK_CALLS_PER_SECOND: '1000',
    SLACK_CALL_BURST: '1000',
  });
  const bot = await startBot({ env, log: pino({ level: 'silent' }) });
  const alertPath = path === 'prometheus' ? await startAlertPath({ simUrl: sim.url, botUrl: bot.url, token: TOKEN }) : null;
  try {
    // Everything is up (Prometheus has scraped the idle cluster): now the kill.
    if (alertPath) await new Promise((resolve) => setTimeout(resolve, 2000));
    const killedAt = sim.waitFor(() => killed(sim), 60_000, 'the OOM kill').then(() => Date.now());
    const scaled = await fetch(`${sim.url}/apis/apps/v1/namespaces/shop/deployments/checkout`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { replicas: 1 } }),
      signal: AbortSignal.timeout(5000),
    });
    if (!scaled.ok) throw new Error(`scaling checkout to 1 answered ${scaled.status}: ${await scaled.text()}`);
    const card = await replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 90_000);
    return card.at.getTime() - (await killedAt);
  } finally {
    await alertPath?.stop();
    await bot.stop();
    await replica.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`kill -> card, ${RUNS} runs per path (2-core machine shared with other jobs: expect noise)`);
const measured: Record<Path, number[]> = { watch: [], sweep: [], prometheus: [] };
for (const path of ['watch', 'sweep', 'prometheus'] as const) {
  for (let run = 0; run < RUNS; run++) measured[path].push(await once(path));
  console.log(`  ${path.padEnd(10)} median ${seconds(median(measured[path]))}, min ${seconds(Math.min(...measured[path]))}, max ${seconds(Math.max(...measured[path]))}`);
}

// Production, computed from the shipped files: the kill waits for the next scrape, the next
// evaluation sees it (pending), `for:` later it fires, Alertmanager waits group_wait for a new group.
const rules = readFileSync(SHIPPED_RULES, 'utf8');
const forSeconds = durationSeconds(/^\s+for: (\S+)$/m.exec(rules)?.[1] ?? '');
const groupWait = durationSeconds(/^\s+group_wait: (\S+)$/m.exec(readFileSync(SHIPPED_RECEIVER, 'utf8').split('- receiver: oom-check')[1] ?? '')?.[1] ?? '');
const scrape = 30;
const evaluation = 60;
const bot = median(measured.watch) / 1000;
const best = forSeconds + groupWait + bot;
const worst = scrape + evaluation + Math.ceil(forSeconds / evaluation) * evaluation + groupWait + bot;
const average = scrape / 2 + evaluation / 2 + Math.ceil(forSeconds / evaluation) * evaluation + groupWait + bot;
console.log(`computed, production intervals (scrape ${scrape}s, evaluation ${evaluation}s, for: ${forSeconds}s, group_wait ${groupWait}s; the bot's share as the watch's median):`);
console.log(`  prometheus best ${best.toFixed(0)} s, average ${average.toFixed(0)} s, worst ${worst.toFixed(0)} s`);
console.log(`  sweep (every minute) best ${bot.toFixed(1)} s, average ${(30 + bot).toFixed(0)} s, worst ${(60 + bot).toFixed(0)} s`);

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { botEnv, CHANNEL } from '../slack/bot-harness.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { serveProcess, type CliProcess } from '../support/cli-process.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';

const WEBHOOKS = 40;
const ALERTS_PER_WEBHOOK = 25;

function webhook(hook: number): { body: string; fingerprints: string[] } {
  const alerts = Array.from({ length: ALERTS_PER_WEBHOOK }, (_, i) => {
    const pod = `storm-${hook}-${i}-5f6d7c8b9-abcde`;
    return {
      status: 'firing',
      labels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'shop', pod, container: 'migrate' },
      annotations: {},
      startsAt: '2026-11-27T10:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.local/graph',
      fingerprint: createHash('sha256').update(pod).digest('hex').slice(0, 16),
    };
  });
  const body = JSON.stringify({ version: '4', groupKey: `storm-${hook}`, truncatedAlerts: 0, status: 'firing', receiver: 'oom-check', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager.local', alerts });
  return { body, fingerprints: alerts.map((alert) => alert.fingerprint) };
}

/** What the database holds now: the processed state of every alert fingerprint, and integrity_check. */
function stored(dbPath: string): { processed: Map<string, boolean>; integrity: string } {
  const { db } = openDatabase(dbPath);
  try {
    const rows = db.prepare('SELECT fingerprint, processed_at FROM alerts').all() as Array<{ fingerprint: string; processed_at: string | null }>;
    return { processed: new Map(rows.map((row) => [row.fingerprint, row.processed_at !== null])), integrity: String(db.pragma('integrity_check', { simple: true })) };
  } finally {
    db.close();
  }
}

describe('serve killed with SIGKILL in the middle of an alert storm', () => {
  let dir: string;
  let sim: Simulator;
  let replica: SlackReplica;
  const bots: CliProcess[] = [];
  afterEach(async () => {
    for (const bot of bots.splice(0)) {
      bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await replica.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('no acknowledged alert is lost: every alert answered 200 is stored and processed after the restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-storm-kill-'));
    sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
    replica = await startSlackReplica();
    const env = botEnv(dir, replica.apiUrl, { ALERTMANAGER_INSECURE: 'true', SLACK_CHANNEL: CHANNEL, SLACK_RATE_SCALE: '200' });
    const first = serveProcess(env);
    bots.push(first);
    const url = await first.url;

    const acknowledged = new Set<string>();
    let answered = 0;
    const deliver = async (hook: number) => {
      const { body, fingerprints } = webhook(hook);
      const response = await fetch(`${url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) }).catch(() => null);
      if (response?.status !== 200) return;
      for (const fingerprint of fingerprints) acknowledged.add(fingerprint);
      // Killed in the middle: some webhooks answered, some in flight, some never sent.
      if (++answered === WEBHOOKS / 4) first.child.kill('SIGKILL');
    };
    for (let hook = 0; hook < WEBHOOKS; hook += 4) await Promise.all([0, 1, 2, 3].map((i) => deliver(hook + i)));
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(acknowledged.size).toBeGreaterThanOrEqual((WEBHOOKS / 4) * ALERTS_PER_WEBHOOK);
    expect(acknowledged.size).toBeLessThan(WEBHOOKS * ALERTS_PER_WEBHOOK);

    const second = serveProcess(env);
    bots.push(second);
    await second.url;
    const dbPath = env.OOM_CHECK_DB_PATH!;
    await pollUntil(async () => ([...acknowledged].every((fingerprint) => stored(dbPath).processed.get(fingerprint) === true) ? true : undefined), 'every acknowledged alert to be processed', 60_000, 250);
    expect(stored(dbPath).integrity).toBe('ok');
  }, 120_000);
});

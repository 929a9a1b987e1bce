import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { APPROVER, botEnv, CHANNEL, SECRET } from '../slack/bot-harness.js';
import { serveProcess, type CliProcess } from '../support/cli-process.js';
import { postToBolt, slashCommandBody } from '../support/slack/sign-request.js';
import { startSlackReplica, type SlackReplica } from '../support/slack/slack-replica.js';

/** Another process holding the database's write lock for `ms`, as a long `sqlite3` session would. */
async function holdWriteLock(dbPath: string, ms: number): Promise<{ done: Promise<unknown> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.exec("INSERT INTO slack_requests (request_key, received_at) VALUES ('lock-holder', '2026-01-01T00:00:00.000Z')");
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});
  `;
  const child = spawn(process.execPath, ['-e', script, dbPath], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  await Promise.race([once(child.stdout, 'data'), exited.then(() => Promise.reject(new Error('the lock holder exited before it held the lock')))]);
  return { done: exited };
}

describe('a database locked by another process', () => {
  let dir: string;
  let sim: Simulator;
  let replica: SlackReplica;
  let bot: CliProcess | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-lock-'));
    sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
    replica = await startSlackReplica();
  });
  afterEach(async () => {
    bot?.child.kill('SIGKILL');
    await bot?.exited;
    await replica.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/healthz answers at once while a write of the bot waits for the lock; the bot carries on once it is free', async () => {
    const env = botEnv(dir, replica.apiUrl);
    const serving = serveProcess(env);
    bot = serving;
    const url = await serving.url;
    const lock = await holdWriteLock(env.OOM_CHECK_DB_PATH!, 3_000);
    // The command's dedupe record is a write: it must wait for the lock, the process must not freeze.
    const command = postToBolt(`${url}/slack/events`, slashCommandBody({ text: 'help', user_id: APPROVER.id, channel_id: CHANNEL }), { secret: SECRET });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const start = performance.now();
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    expect(performance.now() - start).toBeLessThan(1_000);
    await command;
    await lock.done;
    expect((await postToBolt(`${url}/slack/events`, slashCommandBody({ text: 'status', user_id: APPROVER.id, channel_id: CHANNEL }), { secret: SECRET })).status).toBe(200);
  }, 30_000);
});

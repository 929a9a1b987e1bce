import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ARTIFACT_ENTRIES, bundleArtifact, ENTRY, type ArtifactSummary } from '../scripts/bundle.js';
import { packageRoot } from '../src/paths.js';
import { startSimulator, type Simulator } from '../src/sim/start-simulator.js';
import { seedDatabase } from './cli/seed-database.js';
import { freePort, startServeProcess } from './support/serve-process.js';
import { startSlackReplica, type SlackReplica } from './support/slack/slack-replica.js';

/**
 * The artifact the image carries (scripts/bundle.ts), built into a temporary folder laid out as
 * the runtime stage's /app, and run as the image runs it: `node bundle/oom-check.js ...`, each
 * command a child process, from another working directory, with no node_modules above it.
 */
describe('the bundled artifact', () => {
  let work: string;
  let artifact: ArtifactSummary;
  let entry: string;
  let listing: string[];

  const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(dir, path)).isFile()).sort();
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [entry, ...args], { cwd: work, env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env } }, (error, out, err) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out, err }),
      );
    });

  let top: string;

  beforeAll(async () => {
    top = mkdtempSync(join(tmpdir(), 'oom-check-artifact-'));
    work = join(top, 'cwd');
    mkdirSync(work);
    artifact = await bundleArtifact({ outDir: join(top, 'app') });
    entry = join(artifact.outDir, ENTRY);
    listing = files(artifact.outDir);
  }, 60_000);

  // Only the folder this test made, whatever beforeAll got to.
  afterAll(() => top && rmSync(top, { recursive: true, force: true }));

  test('holds the bundle, the SQLite addon and the data files, nothing else, under 30 MB', () => {
    expect(readdirSync(artifact.outDir).sort()).toEqual([...ARTIFACT_ENTRIES].sort());
    expect(readdirSync(join(artifact.outDir, 'node_modules')).sort()).toEqual(['@resvg', 'better-sqlite3', 'bindings', 'file-uri-to-path']);
    // The two native addons: SQLite, and resvg for the postmortem chart (only this platform's build).
    expect(listing.filter((path) => path.endsWith('.node')).sort()).toEqual([`node_modules/@resvg/resvg-js-${process.platform}-${process.arch}-gnu/resvgjs.${process.platform}-${process.arch}-gnu.node`, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node']);
    for (const folder of ['migrations', 'runbooks', 'scenarios']) {
      expect(files(join(artifact.outDir, folder))).toEqual(files(join(packageRoot, folder)));
    }
    expect(listing.some((path) => path.endsWith('.ts'))).toBe(false);
    // One chunk per lazily imported command: what serve does not need is not in what it loads.
    for (const command of ['serve', 'demo', 'sim', 'export', 'migrate']) expect(listing.some((path) => new RegExp(`^bundle/chunks/${command}-command-\\w+\\.js$`).test(path))).toBe(true);
    expect(artifact.bytes).toBeLessThan(30 * 1024 * 1024);
    // node-fetch is given Node's URL (scripts/node-fetch-own-url.ts): whatwg-url and tr46's table are not bundled.
    const notices = readFileSync(join(artifact.outDir, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    expect(notices).toMatch(/^node-fetch@/m);
    expect(notices).not.toMatch(/^(whatwg-url|tr46)@/m);
    // Latin-1 text only, which V8 keeps at one byte a character (scripts/latin1-sources.ts).
    const wide = listing.filter((path) => path.startsWith('bundle/') && path.endsWith('.js') && /[^\x00-\xff]/.test(readFileSync(join(artifact.outDir, path), 'utf8')));
    expect(wide).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(artifact.outDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ type: 'module', bin: { 'oom-check': ENTRY } });
    expect(manifest).not.toHaveProperty('dependencies');
  });

  test("resvg loads from the artifact alone and draws a PNG (the chart posted when an incident closes)", async () => {
    const script = `const { Resvg } = require(${JSON.stringify(join(artifact.outDir, 'node_modules', '@resvg', 'resvg-js'))}); const png = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="red"/></svg>').render().asPng(); process.stdout.write(png.subarray(1, 4).toString());`;
    const drawn = await new Promise<string>((resolve, reject) => execFile(process.execPath, ['-e', script], { cwd: work, env: { PATH: process.env.PATH } }, (error, out) => (error ? reject(error) : resolve(out))));
    expect(drawn).toBe('PNG');
  });

  test('--version and --help', async () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(await run(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('serve') });
  });

  test('migrate creates a database; export reads it: a seeded incident, or the documented not-found', async () => {
    const db = join(work, 'data', 'oom-check.db');
    const migrated = await run(['migrate'], { OOM_CHECK_DB_PATH: db });
    expect(migrated).toMatchObject({ code: 0, out: expect.stringMatching(/^applied 0001_incidents_and_timeline\.sql\n/) });
    expect(await run(['export', '1'], { OOM_CHECK_DB_PATH: db })).toMatchObject({ code: 3, err: `oom-check export: incident 1 does not exist in ${db}\n` });
    const id = seedDatabase(db);
    const markdown = await run(['export', String(id)], { OOM_CHECK_DB_PATH: db });
    expect(markdown).toMatchObject({ code: 0, err: '' });
    expect(markdown.out).toMatch(/^# /);
    const json = await run(['export', String(id), '--format', 'json'], { OOM_CHECK_DB_PATH: db });
    expect(JSON.parse(json.out)).toMatchObject({ schemaVersion: 1 });
    expect(await run(['export', '1'], { OOM_CHECK_DB_PATH: join(work, 'none.db') })).toMatchObject({ code: 3 });
  });

  test('demo runs the checklist on the bundled simulator and scenario', async () => {
    const out = join(work, 'demo');
    const result = await run(['demo', '--out', out, '--time-scale', '0.001']);
    expect(result).toMatchObject({ code: 0 });
    expect(readFileSync(join(out, 'postmortem-incident-1.md'), 'utf8')).toMatch(/checkout/);
  }, 30_000);

  describe('serve', () => {
    let sim: Simulator;
    let replica: SlackReplica;
    let kubeconfig: string;

    beforeAll(async () => {
      sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
      replica = await startSlackReplica();
      kubeconfig = join(work, 'kubeconfig');
      writeFileSync(kubeconfig, sim.kubeconfigYaml());
    });

    afterAll(async () => {
      await replica.close();
      await sim.close();
    });

    const env = (more: NodeJS.ProcessEnv = {}) => ({
      OOM_CHECK_DB_PATH: join(work, `serve-${Object.keys(more).length}.db`),
      KUBECONFIG: kubeconfig,
      SLACK_BOT_TOKEN: 'xoxb-artifact',
      SLACK_API_URL: replica.apiUrl,
      SLACK_APPROVERS: 'U0ARTIFACT',
      SLACK_CHANNEL: 'C0ARTIFACT',
      ALERTMANAGER_BEARER_TOKEN: 'artifact-token',
      LOG_LEVEL: 'warn',
      ...more,
    });

    test('HTTP mode: /healthz and /readyz answer 200, node-cron runs the sweep against the cluster, SIGTERM exits 0', async () => {
      const listsBefore = sim.requests().filter((request) => request.method === 'GET' && /\/pods$/.test(request.path)).length;
      const bot = await startServeProcess({ entry, cwd: work, port: await freePort(), env: env({ SLACK_SIGNING_SECRET: 'artifact-secret', OOM_CHECK_SWEEP_SCHEDULE: '* * * * * *' }) });
      try {
        expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
        await bot.serving(15_000);
        const ready = await fetch(`${bot.url}/readyz`);
        expect([ready.status, await ready.text()]).toEqual([200, expect.stringContaining('ok')]);
        await replica.waitForCall('auth.test', undefined, 5_000);
        await sim.waitFor(() => sim.requests().filter((request) => request.method === 'GET' && /\/pods$/.test(request.path)).length > listsBefore, 5_000, 'a sweep listing pods');
        expect((await fetch(`${bot.url}/metrics`)).status).toBe(200);
        // Checked before stopping: a sweep still running when stop() closes the database logs an
        // error today (start-bot does not wait for it), which is not the bundle's doing.
        expect(bot.stderr()).not.toMatch(/"level":(50|60)/);
      } catch (error) {
        await bot.stop();
        throw error;
      }
      expect(await bot.stop()).toBe(0);
    }, 40_000);

    test('Socket Mode (its client is loaded on first use in the bundle) connects to the replica', async () => {
      const bot = await startServeProcess({ entry, cwd: work, port: await freePort(), env: env({ SLACK_APP_TOKEN: 'xapp-artifact', OOM_CHECK_SWEEP_SCHEDULE: 'off' }) });
      try {
        expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
        await replica.socket.connected(15_000);
        await bot.serving(15_000);
      } catch (error) {
        await bot.stop();
        throw error;
      }
      // Only once serving: SIGTERM is handled (drain, exit 0) after start-up, not during it.
      expect(await bot.stop()).toBe(0);
    }, 40_000);

    test('SIGTERM during start-up is not lost: the bot finishes starting, then stops cleanly (exit 0)', async () => {
      // Socket Mode start-up waits for apps.connections.open, which the replica rate-limits once:
      // the bot answers /healthz but is still starting for the next ~2 s.
      replica.failNext('apps.connections.open', { status: 429, retryAfter: 2 });
      const bot = await startServeProcess({ entry, cwd: work, port: await freePort(), env: env({ SLACK_APP_TOKEN: 'xapp-artifact', OOM_CHECK_SWEEP_SCHEDULE: 'off', OOM_CHECK_REMIND_AFTER: 'off' }) });
      expect(bot.stdout()).toBe('');
      expect(await bot.stop()).toBe(0);
      expect(bot.stdout()).toMatch(/^oom-check serving on .*\nSIGTERM: finishing running steps, then stopping\n$/);
    }, 40_000);

    test('after all commands above: nothing was written into the artifact folder (the image mounts it read-only)', () => {
      expect(files(artifact.outDir)).toEqual(listing);
      expect(existsSync(join(artifact.outDir, 'data'))).toBe(false);
      expect(relative(artifact.outDir, work).startsWith('..')).toBe(true);
    });
  });
});

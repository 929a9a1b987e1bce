/**
 * The bot's own footprint in three builds, side by side:
 *  - before: the unbundled build the previous image ran (`npm run build`, then
 *    `node dist/src/cli/main.js serve` with the production node_modules it copied);
 *  - bundle: the artifact of scripts/bundle.ts run with plain `node bundle/oom-check.js serve`;
 *  - image: the same artifact run as the Dockerfile's runtime stage runs it (its ENTRYPOINT's node
 *    flags and its ENV), so the figures are those of the image, and the flags' share is visible.
 * Measured:
 *  - idle RSS of `oom-check serve` once start-up has settled (readyz answered, then SETTLE_MS),
 *    median over RUNS starts; a realistic environment: a Slack token against a local Slack Web
 *    API replica (auth.test at start), the simulator as the cluster, the Alertmanager webhook on,
 *    the sweep and reminders on their default schedules;
 *  - time from spawning the process to the first 200 from /healthz, median over RUNS (serve
 *    listens before it loads the bot's code; how long that load takes is printed on its own);
 *  - the runtime stage's files: what the Dockerfile copies into the final image, Node itself aside.
 * Run: npm run bench:footprint   (RUNS=3 SETTLE_MS=10000 by default; ~2 minutes)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleArtifact, DATA_FOLDERS, ENTRY } from '../scripts/bundle.js';
import { packageRoot } from '../src/paths.js';
import { startSimulator } from '../src/sim/start-simulator.js';
import { imageRuntime } from '../test/support/parse-dockerfile.js';
import { freePort, startServeProcess } from '../test/support/serve-process.js';
import { startSlackReplica } from '../test/support/slack/slack-replica.js';

const RUNS = Number(process.env.RUNS ?? 3);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 10_000);
const MB = 1024 * 1024;

function bytesOf(path: string, skip: (path: string) => boolean = () => false): number {
  if (skip(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesOf(join(path, entry), skip), 0);
}

/**
 * What the previous runtime stage copied: package.json, node_modules after `npm prune --omit=dev`
 * (the lockfile's non-dev packages installed here, each without its nested node_modules, which
 * are listed on their own), dist/ and the data folders.
 */
function unbundledRuntimeBytes(): number {
  const lock = JSON.parse(readFileSync(join(packageRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  // Optional packages for other platforms (resvg's builds) are in the lockfile but not installed, nor copied.
  const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev && existsSync(join(packageRoot, path)));
  const nodeModules = production.reduce((sum, [path]) => sum + bytesOf(join(packageRoot, path), (p) => p !== join(packageRoot, path) && p.endsWith('/node_modules')), 0);
  return bytesOf(join(packageRoot, 'package.json')) + nodeModules + bytesOf(join(packageRoot, 'dist', 'src')) + DATA_FOLDERS.reduce((sum, folder) => sum + bytesOf(join(packageRoot, folder)), 0);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-footprint-'));
console.log('building: npm run build (before) and the bundle (after)...');
execFileSync('npm', ['run', 'build'], { cwd: packageRoot, stdio: 'ignore' });
const artifact = await bundleArtifact({ outDir: join(dir, 'app') });

const sim = await startSimulator({ scenario: 'seed-oom', timeScale: 1 });
const replica = await startSlackReplica();
writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());

interface Figures {
  rss: number[];
  peak: number[];
  healthz: number[];
  cpu: number[];
}

async function measure(label: string, entry: string, cwd: string, image: { nodeArgs: string[]; env: Record<string, string> } = { nodeArgs: [], env: {} }): Promise<Figures> {
  const figures: Figures = { rss: [], peak: [], healthz: [], cpu: [] };
  for (let run = 1; run <= RUNS; run++) {
    const env = {
      OOM_CHECK_DB_PATH: join(dir, `${label}-${run}.db`),
      KUBECONFIG: join(dir, 'kubeconfig'),
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: replica.apiUrl,
      SLACK_APPROVERS: 'U0BENCH',
      SLACK_CHANNEL: 'C0BENCH',
      ALERTMANAGER_BEARER_TOKEN: 'bench-alertmanager-token',
      NODE_ENV: 'production',
      ...image.env,
    };
    const bot = await startServeProcess({ entry, cwd, env, port: await freePort(), nodeArgs: image.nodeArgs });
    await bot.serving();
    for (let ready = 0; ready !== 200; ) ready = await fetch(`${bot.url}/readyz`).then((response) => response.status);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push(bot.memory().rss);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    figures.rss.push(median(samples));
    figures.peak.push(bot.memory().peak);
    figures.healthz.push(bot.msToHealthz);
    figures.cpu.push(bot.cpuMsToHealthz);
    const code = await bot.stop();
    if (code !== 0) throw new Error(`${label}: serve exited with ${code}:\n${bot.stderr()}`);
  }
  return figures;
}

// The runtime stage's ENTRYPOINT is ["node", ...flags, ENTRY]; its ENV minus what each run sets.
const { argv, env: imageEnv } = imageRuntime(readFileSync(join(packageRoot, 'Dockerfile'), 'utf8'), ENTRY);
/** How long a fresh node takes to load (import, not run) the code serve needs: the floor of spawn -> /healthz. */
function importMs(file: string, nodeArgs: string[] = []): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  return median(Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8' }))));
}

// serve listens first, then imports the bot (start-bot and all it loads): that import is most of start-up, after /healthz.
const botChunk = readdirSync(join(artifact.outDir, 'bundle', 'chunks')).find((file) => /^start-bot-\w+\.js$/.test(file))!;
const before = await measure('before', 'dist/src/cli/main.js', packageRoot);
const bundled = await measure('bundle', ENTRY, artifact.outDir);
const image = await measure('image', ENTRY, artifact.outDir, { nodeArgs: argv.slice(1, -1), env: imageEnv });
await replica.close();
await sim.close();

const columns = [before, bundled, image];
const row = (name: string, cells: string[], target: string) => console.log(`${name.padEnd(36)}${cells.map((cell) => cell.padStart(11)).join('')}${target.padStart(11)}`);
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const ms = (value: number) => `${Math.round(value)} ms`;
const artifactBytes = mb(artifact.bytes);
console.log(`\noom-check serve, node ${process.version}, ${RUNS} starts each; idle = after "serving", /readyz 200 and ${SETTLE_MS} ms`);
console.log(`image = bundle run as the Dockerfile does: ${argv.slice(0, -1).join(' ')} ${Object.entries(imageEnv).map(([key, value]) => `${key}=${value}`).join(' ')}`);
row('', ['before', 'bundle', 'image'], 'target');
row('idle RSS (median)', columns.map((figures) => mb(median(figures.rss))), '< 80 MB');
row('idle RSS (max)', columns.map((figures) => mb(Math.max(...figures.rss))), '');
row('peak RSS during start-up (median)', columns.map((figures) => mb(median(figures.peak))), '');
row('spawn -> /healthz 200 (median)', columns.map((figures) => ms(median(figures.healthz))), '< 300 ms');
row('spawn -> /healthz 200 (max)', columns.map((figures) => ms(Math.max(...figures.healthz))), '');
row('  CPU time used by then (median)', columns.map((figures) => ms(median(figures.cpu))), '');
row('loading the bot (after listening)', [ms(importMs(join(packageRoot, 'dist', 'src', 'start-bot.js'))), ms(importMs(join(artifact.outDir, 'bundle', 'chunks', botChunk))), ms(importMs(join(artifact.outDir, 'bundle', 'chunks', botChunk), argv.slice(1, -1)))], '');
row('runtime stage files (Node aside)', [mb(unbundledRuntimeBytes()), artifactBytes, artifactBytes], '< 30 MB');
row('  of which JavaScript (+ source maps)', [mb(bytesOf(join(packageRoot, 'dist', 'src'), (path) => path.endsWith('.map'))), mb(artifact.bundleBytes), mb(artifact.bundleBytes)], '');
rmSync(dir, { recursive: true, force: true });

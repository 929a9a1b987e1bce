/**
 * Memory of the bot while it watches 10,000 pods: is it bounded?
 *
 * The simulator runs PODS pods (10 namespaces, 4 workloads each, 100 nodes; made with the
 * scenario's `copies`), a few of them OOMKilled and a few crash-looping: that is the churn, restarts
 * on the kubelet's back-off, at TIME_SCALE real seconds per simulated second. `oom-check serve`
 * runs as the image runs it (the bundle, the Dockerfile's node flags and ENV) with the heap limit
 * Node would take from the Deployment's memory limit (HEAP_LIMIT=off: sized for this machine),
 * watching every namespace, the sweep off so the figures are the watch's; its cluster requests go
 * through a proxy that holds the watch's first list back until the "before" figure is taken.
 * Printed: RSS (VmRSS, median of 5 samples) and V8 heap in use (from /metrics)
 *  - serving, before the watch has its list;
 *  - once the list is in (the watch request came) and SETTLE_MS passed; the peak (VmHWM) by then;
 *  - every 15 s of CHURN_SECONDS of churn, and the pod updates and restarts the watch received;
 *  - the heap after a full garbage collection (a heap snapshot makes one): what the bot keeps.
 * Run: npm run bench:watch-memory   (PODS=10000 CHURN_SECONDS=60 SETTLE_MS=10000; ~3 minutes)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { bundleArtifact, ENTRY } from '../scripts/bundle.js';
import { parseQuantity } from '../src/core/quantity.js';
import { packageRoot } from '../src/paths.js';
import type { Pod } from '../src/sim/k8s-types.js';
import { kubeconfigYaml } from '../src/sim/kubeconfig.js';
import { scenarioSchema } from '../src/sim/scenario-schema.js';
import { startSimulator } from '../src/sim/start-simulator.js';
import { startFaultProxy } from '../test/support/fault-proxy.js';
import { imageRuntime } from '../test/support/parse-dockerfile.js';
import { scrapeValue } from '../test/support/scrape-metrics.js';
import { freePort, startServeProcess, type ServeProcess } from '../test/support/serve-process.js';
import { startSlackReplica } from '../test/support/slack/slack-replica.js';

const PODS = Number(process.env.PODS ?? 10_000);
const CHURN_SECONDS = Number(process.env.CHURN_SECONDS ?? 60);
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 10_000);
const TIME_SCALE = 0.02;
const NAMESPACES = 10;
/** Crash-looping pods per namespace: at the 5-minute back-off cap, ~3 pod updates each per 6.4 s (real). */
const FLAKY = 15;
const OOM_KILLED = 5;
const MB = 1024 * 1024;

const app = (name: string, image: string, memory: string, extra: object = {}) => ({ name, image, limits: { memory, cpu: '500m' }, requests: { memory, cpu: '100m' }, peakMemory: memory, steadyMemory: memory, ports: [8080], ...extra });

/** Per namespace: web (app + sidecar), api (an init container that completes), worker, flaky (exits after 20 s); OOMKilled import pods in team-0. */
function scenario() {
  const perNamespace = Math.floor(PODS / NAMESPACES);
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`);
  const workloads = namespaces.flatMap((namespace, i) => {
    const image = (name: string) => `registry.example.com/${namespace}/${name}:1.${i}.0`;
    const web = Math.round(perNamespace * 0.45);
    const api = Math.round(perNamespace * 0.3);
    const oom = i === 0 ? OOM_KILLED : 0;
    const pods = [
      { name: 'web', copies: web, containers: [app('web', image('web'), '96Mi'), app('proxy', 'registry.example.com/mesh/proxy:1.29.1', '48Mi', { ports: [15001] })] },
      { name: 'api', copies: api, initContainers: [{ ...app('migrate', image('migrate'), '64Mi', { ports: [] }), runSeconds: 1 }], containers: [app('api', image('api'), '128Mi')] },
      { name: 'worker', copies: perNamespace - web - api - FLAKY - oom, containers: [app('worker', image('worker'), '64Mi')] },
      { name: 'flaky', copies: FLAKY, containers: [{ ...app('flaky', image('flaky'), '32Mi'), runSeconds: 20, exitCode: 1 }] },
      ...(oom ? [{ name: 'import', copies: oom, initContainers: [{ ...app('import', image('import'), '64Mi', { ports: [] }), peakMemory: '200Mi' }], containers: [app('import-app', image('import-app'), '64Mi')] }] : []),
    ];
    return pods.map((pod) => ({ kind: 'Pod', namespace, labels: { app: pod.name, team: namespace }, ...pod }));
  });
  const nodes = Array.from({ length: 100 }, (_, i) => ({ name: `node-${i}`, allocatable: { memory: '64Gi', cpu: '32', pods: 110 } }));
  return scenarioSchema.parse({ nodes, namespaces: [...namespaces, 'oom-check'].map((name) => ({ name })), workloads });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const restarts = (pods: Pod[]) => pods.reduce((sum, pod) => sum + [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])].reduce((n, s) => n + s.restartCount, 0), 0);

async function sample(bot: ServeProcess): Promise<{ rss: number; heap: number; peak: number }> {
  const rss: number[] = [];
  for (let i = 0; i < 5; i++) {
    rss.push(bot.memory().rss);
    await sleep(200);
  }
  return { rss: median(rss), heap: await scrapeValue(bot.url, 'nodejs_heap_size_used_bytes'), peak: bot.memory().peak };
}

/**
 * Node sizes V8's heap from the container's memory limit (cgroup), which this machine does not
 * have: V8's old generation gets a quarter of it, times 2 on 64-bit (Heap::HeapSizeFromPhysicalMemory).
 * Without the same cap V8 sizes the heap for the whole machine and leaves the list's garbage
 * uncollected for minutes: RSS would say more about this machine than about the bot.
 */
function containerHeapLimit(): string {
  const manifest = parse(readFileSync(join(packageRoot, 'deploy', 'kubernetes', 'base', 'deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: Array<{ name: string; resources?: { limits?: { memory?: string } } }> } } };
  };
  const limit = manifest.spec.template.spec.containers.find((c) => c.name === 'oom-check')?.resources?.limits?.memory;
  if (!limit) throw new Error('deploy/kubernetes/base/deployment.yaml sets no memory limit for the oom-check container');
  return `--max-old-space-size=${Math.floor(((parseQuantity(limit) / 4) * 2) / MB)}`;
}

/**
 * The heap a scrape counts holds garbage V8 has not collected yet. A heap snapshot collects it all
 * first: what is left is what the bot keeps. (Writing the snapshot inflates RSS: no RSS for it.)
 */
async function heapAfterFullGc(bot: ServeProcess, cwd: string): Promise<number> {
  bot.child.kill('SIGUSR2');
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    // The process is busy until the snapshot is written; /metrics answers after that.
    if (readdirSync(cwd).some((file) => file.endsWith('.heapsnapshot'))) {
      const heap = await scrapeValue(bot.url, 'nodejs_heap_size_used_bytes').catch(() => undefined);
      if (heap !== undefined) return heap;
    }
    await sleep(500);
  }
  throw new Error(`no heap snapshot after 2 minutes:\n${bot.stderr().slice(-2000)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'oom-check-bench-watch-memory-'));
const started = performance.now();
console.log('building the bundle...');
const artifact = await bundleArtifact({ outDir: join(dir, 'app') });
const image = imageRuntime(readFileSync(join(packageRoot, 'Dockerfile'), 'utf8'), ENTRY);
const heapLimit = process.env.HEAP_LIMIT === 'off' ? [] : [containerHeapLimit()];

console.log(`starting the simulator with ${PODS} pods...`);
const sim = await startSimulator({ scenario: scenario(), timeScale: TIME_SCALE });
// Polled: sim.waitFor would re-check on every one of the ~100,000 changes the start makes.
while (!sim.listObjects<Pod>('Pod').every((pod) => pod.status.startTime)) await sleep(2000);
const listBytes = (await (await fetch(`${sim.url}/api/v1/pods`)).arrayBuffer()).byteLength;
console.log(`every pod started after ${((performance.now() - started) / 1000).toFixed(0)} s; the pod list is ${(listBytes / MB).toFixed(1)} MB of JSON`);

const proxy = await startFaultProxy(sim.url);
let releaseList = () => {};
const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
const isPodList = (url: string) => /^\/api\/v1\/pods(\?|$)/.test(url);
proxy.rule((request) => (request.method === 'GET' && isPodList(request.url) && !request.watch ? { until: listHeld } : 'pass'));
writeFileSync(join(dir, 'kubeconfig'), kubeconfigYaml(proxy.url));
const replica = await startSlackReplica();
const bot = await startServeProcess({
  entry: ENTRY,
  cwd: artifact.outDir,
  port: await freePort(),
  // The signal only makes a heap snapshot on demand (see the end).
  nodeArgs: [...image.nodeArgs, ...heapLimit, '--heapsnapshot-signal=SIGUSR2'],
  env: {
    ...image.env,
    OOM_CHECK_DB_PATH: join(dir, 'oom-check.db'),
    KUBECONFIG: join(dir, 'kubeconfig'),
    OOM_CHECK_WATCH: 'on',
    OOM_CHECK_SWEEP_SCHEDULE: 'off',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: replica.apiUrl,
    SLACK_APPROVERS: 'U0BENCH',
    SLACK_CHANNEL: 'C0BENCH',
  },
});
const rows: Array<[string, { rss?: number; heap: number }, string]> = [];
try {
  await bot.serving();
  await sleep(SETTLE_MS / 2);
  const before = await sample(bot);
  rows.push(['serving, the watch\'s list held back', before, '']);

  releaseList();
  const watchRequest = () => proxy.requests().find((request) => request.watch && isPodList(request.url));
  while (!watchRequest()) await sleep(100);
  const listVersion = new URLSearchParams(watchRequest()!.url.split('?')[1]).get('resourceVersion') ?? '';
  await sleep(SETTLE_MS);
  const listed = await sample(bot);
  rows.push([`the list in, ${SETTLE_MS / 1000} s later`, listed, `peak so far (VmHWM) ${(listed.peak / MB).toFixed(1)} MB`]);

  const churnFrom = sim.changesSince(listVersion, 'Pod').at(-1)?.resourceVersion ?? listVersion;
  const restartsBefore = restarts(sim.listObjects<Pod>('Pod'));
  for (let elapsed = 15; elapsed <= CHURN_SECONDS; elapsed += 15) {
    await sleep(15_000);
    const updates = sim.changesSince(churnFrom, 'Pod').length;
    rows.push([`churn, ${elapsed} s (${((elapsed / TIME_SCALE) / 60).toFixed(0)} simulated min)`, await sample(bot), `${updates} pod updates received`]);
  }
  const restarted = restarts(sim.listObjects<Pod>('Pod')) - restartsBefore;
  const cards = replica.calls('chat.postMessage').filter((call) => call.args.thread_ts === undefined).length;
  const peak = bot.memory().peak;

  rows.push(['after a full garbage collection', { heap: await heapAfterFullGc(bot, artifact.outDir) }, 'what the bot keeps']);

  const mb = (bytes: number | undefined) => (bytes === undefined ? '' : `${(bytes / MB).toFixed(1)} MB`).padStart(10);
  console.log(`\noom-check serve watching ${PODS} pods in ${NAMESPACES} namespaces (all namespaces, one watch; sweep off), node ${process.version}, the image's flags ${image.argv.slice(1, -1).join(' ')}, ${heapLimit.length > 0 ? `the heap the Deployment's memory limit gives (${heapLimit[0]})` : 'the heap sized for this machine'}`);
  console.log(`${''.padEnd(44)}${'RSS'.padStart(10)}${'V8 heap'.padStart(10)}`);
  for (const [label, figures, note] of rows) console.log(`${label.padEnd(44)}${mb(figures.rss)}${mb(figures.heap)}  ${note}`);
  console.log(`churn: ${restarted} container restarts in ${CHURN_SECONDS} s; OOMKilled pods ${OOM_KILLED}, incident cards posted ${cards}; peak RSS over the run ${mb(peak).trim()}`);
  console.log(`whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  const code = await bot.stop();
  if (code !== 0) console.error(`serve exited with ${code}:\n${bot.stderr().slice(-2000)}`);
  await replica.close();
  await proxy.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}

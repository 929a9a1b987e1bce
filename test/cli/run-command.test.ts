import { oomKilledPod } from '../support/sim-pods.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/sqlite-run-store.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { packageRoot } from '../../src/paths.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { captureIo } from './capture-io.js';

describe('oom-check run / demo', () => {
  let dir: string;
  let sim: Simulator;
  let env: NodeJS.ProcessEnv;

  async function startSim(scenario: string, timeScale = 0.001) {
    sim = await startSimulator({ scenario, timeScale });
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-run-'));
    env = { OOM_CHECK_DB_PATH: join(dir, 'oom-check.db'), KUBECONFIG: join(dir, 'kubeconfig'), LOG_LEVEL: 'silent' };
  });
  afterEach(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(argv: string[], stdin?: PassThrough & { isTTY?: boolean }) {
    const io = { ...captureIo(env), ...(stdin ? { stdin } : {}) };
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  test('--yes runs the checklist to a verified fix: exit 0, the incident id and the export hint', async () => {
    await startSim('seed-oom');
    const pod = await oomKilledPod(sim, 'shop', 'checkout-');
    const result = await run(['run', `shop/${pod}`, '--yes']);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toMatch(/^incident 1 opened for Deployment shop\/checkout \(cluster oom-check-sim\)/);
    expect(result.out).toMatch(/✓ propose +64Mi -> 176Mi/);
    expect(result.out).toMatch(/■ verdict: fixed/);
    expect(result.out).toContain('incident 1: fixed. Postmortem: oom-check export 1');
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
  });

  test('at a terminal it asks, refuses a bad limit, and takes an edited one', async () => {
    await startSim('seed-oom');
    const pod = await oomKilledPod(sim, 'shop', 'checkout-');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.write('64Gi\n192Mi\n');
    const result = await run(['run', `shop/${pod}`], stdin);
    expect(result.out).toContain('64Gi is above the maximum 4Gi (OOM_CHECK_MAX_MEMORY_LIMIT)');
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toMatch(/patched Deployment shop\/checkout: limits\.memory 64Mi -> 192Mi/);
  });

  test('rejected at the terminal: exit 6, the incident stays open until resolve closes it; a new run replaces it', async () => {
    await startSim('seed-oom');
    const pod = await oomKilledPod(sim, 'shop', 'checkout-');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    stdin.write('n\n');
    const rejected = await run(['run', `shop/${pod}`], stdin);
    expect(rejected.code).toBe(ExitCode.NotApproved);
    expect(rejected.out).toMatch(/■ verdict: rejected \(mitigation declined: nothing was changed and the workload still fails\) the patch was rejected; nothing was changed \(by cli:/);
    expect(await run(['resolve', '1', 'extra'])).toMatchObject({ code: ExitCode.Usage, err: expect.stringContaining('a note goes after --note') });

    const again = await run(['run', `shop/${pod}`]);
    expect(again.out).toMatch(/^incident 2 opened for Deployment shop\/checkout/);
    expect(await run(['resolve', '1'])).toMatchObject({ code: ExitCode.Failure, err: expect.stringMatching(/^incident 1 is already closed/) });
    expect(await run(['resolve', '2'])).toMatchObject({ code: ExitCode.Failure, err: expect.stringContaining('the patch still waits for a decision: reject it first, then resolve') });
    expect(await run(['resolve', '9'])).toMatchObject({ code: ExitCode.NotFound, err: expect.stringContaining('incident 9 does not exist') });
    const stdin2 = Object.assign(new PassThrough(), { isTTY: true });
    stdin2.write('n\n');
    await run(['run', `shop/${pod}`], stdin2);
    expect(await run(['resolve', '2', '--note', 'limit set in git'])).toEqual({ code: ExitCode.Ok, out: 'incident 2 resolved and closed (its run had ended: rejected)\n', err: '' });
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  });

  test('a self-heal policy approves within its bounds: no question asked, fixed, exit 0; a broken policies file is refused at start', async () => {
    await startSim('seed-oom');
    env.OOM_CHECK_POLICIES = join(dir, 'policies.yaml');
    writeFileSync(env.OOM_CHECK_POLICIES, 'apiVersion: oom-check/v1\nkind: Policies\npolicies:\n  - name: shop\n    select: { namespaces: [shop] }\n    bounds: { maxLimit: 1Gi, maxFactor: 3, maxFixes: 1, window: 24h, cooldown: 0s }\n');
    const pod = await oomKilledPod(sim, 'shop', 'checkout-');
    const fixed = await run(['run', `shop/${pod}`]);
    expect(fixed.code).toBe(ExitCode.Ok);
    expect(fixed.out).toMatch(/approved by policy shop \(1 of 1 today\): 176Mi/);
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: oom-check/v1\nkind: Policies\npolicies: [{ name: shop, bounds: { maxLimit: lots } }]\n');
    env.OOM_CHECK_POLICIES = join(dir, 'bad.yaml');
    const refused = await run(['run', `shop/${pod}`, '--yes']);
    expect(refused.code).toBe(ExitCode.Usage);
    expect(refused.err).toContain('policies[0].bounds.maxLimit: must be a positive Kubernetes memory quantity such as 1Gi');
  });

  test('without a terminal or --yes the run waits for approval: exit 6', async () => {
    await startSim('seed-oom');
    const pod = await oomKilledPod(sim, 'shop', 'checkout-');
    const result = await run(['run', `shop/${pod}`]);
    expect(result.code).toBe(ExitCode.NotApproved);
    expect(result.out).toContain('incident 1 is waiting for approval: approve it in Slack, or run again with --yes');
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(0);
  });

  test.each([
    [['run'], ExitCode.Usage, 'give the pod as <namespace>/<pod>'],
    [['run', 'checkout'], ExitCode.Usage, '"checkout" is not <namespace>/<pod>'],
    [['run', 'Shop/x'], ExitCode.Usage, '"Shop" is not a namespace name'],
    [['run', 'shop/no-such-pod', '--yes'], ExitCode.NotFound, 'pods "no-such-pod" not found'],
    [['run', 'secure/vault', '--yes'], ExitCode.ClusterUnavailable, 'needs RBAC verb "get" on resource "pods" in namespace secure'],
  ])('%p exits %d: %s', async (argv, code, message) => {
    await startSim('seed-oom');
    const result = await run(argv);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
  });

  test('a pod that is not OOMKilled: exit 5 with the plain verdict', async () => {
    await startSim('healthy');
    await sim.waitFor(() => sim.listObjects('Pod', 'shop').length > 0, 10_000);
    const pod = sim.listObjects('Pod', 'shop')[0]!.metadata.name;
    const result = await run(['run', `shop/${pod}`, '--yes']);
    expect(result.code).toBe(ExitCode.NothingToPatch);
    expect(result.out).toMatch(/verdict: not-oom/);
  });

  test('demo: a fixed, verified incident and its postmortem', async () => {
    const out = join(dir, 'demo');
    const result = await run(['demo', '--out', out]);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toMatch(/Timeline of incident 1:[\s\S]*Fix verified/);
    expect(result.out).toContain(`Postmortem written to ${join(out, 'postmortem-incident-1.md')}`);
    const markdown = readFileSync(join(out, 'postmortem-incident-1.md'), 'utf8');
    expect(markdown).toMatch(/^# Postmortem: incident 1 — Deployment shop\/checkout/);
    expect(markdown).toContain('| 3-minute budget | met');
    expect(markdown).toMatch(/\*\*Pod:\*\* checkout-[a-z0-9-]+, container migrate/);
  });

  test('resume after SIGKILL between apply and wait: continues at wait and patches exactly once', async () => {
    await startSim('seed-oom', 0.3);
    const pod = await oomKilledPod(sim, 'shop', 'checkout-');
    // One process (node with tsx's loader), so SIGKILL reaches the runner itself and not a wrapper.
    const spawnRun = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', `shop/${pod}`, '--yes'], {
        cwd: packageRoot,
        env: { ...process.env, ...env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    const first = spawnRun();
    let seen = '';
    const killed = new Promise<NodeJS.Signals | null>((resolve) => first.on('exit', (_code, signal) => resolve(signal)));
    first.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/✓ apply/.test(seen)) first.kill('SIGKILL');
    });
    expect(await killed).toBe('SIGKILL');
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);

    const { db } = openDatabase(env.OOM_CHECK_DB_PATH!);
    const midway = new SqliteRunStore(db, new SqliteIncidentStore(db)).getRun(1)!;
    db.close();
    expect(midway.status).not.toBe('finished');
    expect(midway.steps.find((s) => s.step === 'apply')?.status).toBe('succeeded');
    expect(['pending', 'running']).toContain(midway.steps.find((s) => s.step === 'wait')?.status);

    const second = spawnRun();
    let output = '';
    second.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    second.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(output).toMatch(/^incident 1 resumed/);
    expect(output).not.toMatch(/✓ apply/);
    expect(output).toMatch(/✓ wait[\s\S]*verdict: fixed/);
    expect(code).toBe(ExitCode.Ok);
    expect(sim.patchCount('Deployment', 'shop', 'checkout')).toBe(1);
  }, 60_000);
});

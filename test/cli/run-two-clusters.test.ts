import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { multiClusterKubeconfig } from '../support/multi-cluster-kubeconfig.js';
import { oomKilledPod } from '../support/sim-pods.js';
import { captureIo } from './capture-io.js';

/** `oom-check run` with OOM_CHECK_CLUSTERS: the cluster comes from `cluster/namespace/pod` or --cluster; the default is the first. */
describe('oom-check run over two clusters', () => {
  let dir: string;
  let sims: Record<'a' | 'b', Simulator>;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-run2-'));
    sims = { a: await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 }), b: await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 }) };
    writeFileSync(join(dir, 'kubeconfig'), multiClusterKubeconfig({ a: sims.a.url, b: sims.b.url }));
    env = { OOM_CHECK_DB_PATH: join(dir, 'oom-check.db'), KUBECONFIG: join(dir, 'kubeconfig'), LOG_LEVEL: 'silent', OOM_CHECK_CLUSTERS: 'a=ctx-a,b=ctx-b' };
  });
  afterEach(async () => {
    await Promise.all(Object.values(sims).map((sim) => sim.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[]) => {
    const io = captureIo(env);
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  };

  test('b/shop/<pod> patches in b only; --cluster b does the same; the default is a', async () => {
    const pod = await oomKilledPod(sims.b, 'shop', 'checkout-');
    const result = await run(['run', `b/shop/${pod}`, '--yes']);
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.out).toMatch(/^incident 1 opened for Deployment shop\/checkout \(cluster b\)/);
    expect([sims.a.patchCount('Deployment', 'shop', 'checkout'), sims.b.patchCount('Deployment', 'shop', 'checkout')]).toEqual([0, 1]);

    const inA = await oomKilledPod(sims.a, 'shop', 'checkout-');
    expect((await run(['run', `shop/${inA}`, '--yes'])).out).toMatch(/\(cluster a\)/);
    expect([sims.a.patchCount('Deployment', 'shop', 'checkout'), sims.b.patchCount('Deployment', 'shop', 'checkout')]).toEqual([1, 1]);
  }, 60_000);

  test('an unknown cluster is a usage error naming the clusters served; nothing is read', async () => {
    const before = sims.a.requests().length + sims.b.requests().length;
    const result = await run(['run', '--cluster', 'c', 'shop/checkout-1', '--yes']);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err).toContain('cluster "c" is not one this bot serves (it serves a, b): check the name, or add it to OOM_CHECK_CLUSTERS');
    expect(sims.a.requests().length + sims.b.requests().length).toBe(before);
    expect((await run(['run', '--cluster', 'b', 'a/shop/checkout-1'])).err).toContain('give the cluster either as <cluster>/<namespace>/<pod> or with --cluster, not both');
  });

  test('a context OOM_CHECK_CLUSTERS names that the kubeconfig lacks is refused with both names', async () => {
    env.OOM_CHECK_CLUSTERS = 'a=ctx-a,z=ctx-z';
    const result = await run(['run', 'shop/checkout-1', '--yes']);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err).toContain('OOM_CHECK_CLUSTERS names the context "ctx-z" (cluster z), which is not a context of the kubeconfig; it has: ctx-a, ctx-b');
  });
});

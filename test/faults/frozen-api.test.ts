import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../../src/adapters/k8s/kube-cluster.js';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/sqlite-run-store.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { isClusterError } from '../../src/core/cluster-error.js';
import { spawnCli } from '../support/cli-process.js';
import { startCampaignTry, type CampaignTry } from './campaign-env.js';

/** A SIGSTOPped API server: it accepts connections and never answers. Nothing may hang on it. */
describe('a frozen API server', () => {
  let t: CampaignTry;
  afterEach(async () => t.close());

  test('frozen before run: the run gives up within its deadline, says the cluster did not answer, exits 7', async () => {
    t = await startCampaignTry({ apiTimeout: '1s' });
    t.proxy.freeze();
    const started = performance.now();
    const run = spawnCli(['run', `shop/${t.pod}`, '--yes'], t.env);
    const end = await run.exited;
    expect(end.code).toBe(ExitCode.ClusterUnavailable);
    expect(run.output()).toMatch(/did not answer get pods ".*" in namespace shop in time \(OOM_CHECK_API_TIMEOUT\)/);
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 30_000);

  test('frozen when the wait begins: exit 7, the run stays resumable, and resumes to its verdict once the server is back', async () => {
    t = await startCampaignTry({ apiTimeout: '1s' });
    let patched = false;
    t.proxy.rule((request) => {
      if (request.method === 'PATCH' && !request.url.includes('dryRun')) patched = true;
      else if (patched && request.method === 'GET' && /\/pods\?/.test(request.url)) t.proxy.freeze();
      return 'pass';
    });
    const run = spawnCli(['run', `shop/${t.pod}`, '--yes'], t.env);
    const end = await run.exited;
    expect(end.code).toBe(ExitCode.ClusterUnavailable);
    expect(run.output()).toMatch(/the run stays open/);
    const { db } = openDatabase(t.env.OOM_CHECK_DB_PATH!);
    const stored = new SqliteRunStore(db, new SqliteIncidentStore(db)).getRun(1)!;
    db.close();
    expect(stored.status).toBe('active');
    expect(stored.steps.find((s) => s.step === 'wait')).toMatchObject({ status: 'failed', error: expect.stringMatching(/in time/) });

    // The server is back (a new proxy would do; here the kubeconfig goes straight to it).
    writeFileSync(join(t.dir, 'kubeconfig'), t.sim.kubeconfigYaml());
    const again = spawnCli(['run', `shop/${t.pod}`, '--yes'], t.env);
    expect((await again.exited).code).toBe(ExitCode.VerificationFailed);
    expect(t.sim.patchCount('Deployment', 'shop', 'inventory')).toBe(1);
  }, 60_000);

  test('frozen while a watch is open: the silent watch is dropped, the relist times out, the wait fails as a timeout', async () => {
    t = await startCampaignTry();
    const kc = new KubeConfig();
    kc.loadFromOptions(t.sim.kubeconfig());
    kc.clusters[0] = { ...kc.clusters[0]!, server: t.proxy.url };
    const cluster = new KubeCluster(kc, { requestMs: 500, watchIdleMs: 1_000 });
    t.proxy.rule((request) => {
      if (request.watch) setTimeout(() => t.proxy.freeze(), 100);
      return 'pass';
    });
    const started = performance.now();
    const outcome = await cluster.watchPods('shop', 'app=inventory', () => false, { timeoutMs: 30_000 }).catch((error: unknown) => error);
    expect(isClusterError(outcome, 'Timeout')).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 30_000);
});

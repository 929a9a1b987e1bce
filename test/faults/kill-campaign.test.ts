import { writeFileSync } from 'node:fs';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo } from '../cli/capture-io.js';
import { spawnCli } from '../support/cli-process.js';
import { startCampaignTry, type CampaignTry } from './campaign-env.js';

interface TryResult {
  killedAfter: number;
  request: string;
  patches: number;
  applied: number;
  rolledBack: boolean;
  integrity: string;
  problems: string[];
}

/**
 * `oom-check run --yes` killed with SIGKILL right after its k-th API request took effect on the
 * server (before it saw the answer), for every k of a whole checklist, then run again to the end.
 * Each try must end with exactly one real PATCH, that patch on the timeline, a working rollback
 * and an intact database.
 */
async function killAfter(k: number): Promise<TryResult> {
  const t: CampaignTry = await startCampaignTry();
  try {
    const args = ['run', `shop/${t.pod}`, '--yes'];
    const first = spawnCli(args, t.env);
    let request = '(finished first)';
    t.proxy.onAnswered((answered) => {
      if (answered.index !== k) return;
      request = `${answered.method} ${answered.url.split('?')[0]}${answered.url.includes('dryRun') ? ' (dry run)' : ''}`;
      first.child.kill('SIGKILL');
    });
    const end = await first.exited;
    t.proxy.onAnswered(() => {});
    const problems: string[] = [];
    if (end.signal !== 'SIGKILL' && end.code !== ExitCode.VerificationFailed) problems.push(`first run ended ${end.code}: ${first.output()}`);
    if (end.signal === 'SIGKILL') {
      const io = captureIo(t.env);
      const code = await runCli(args, io);
      if (code !== ExitCode.VerificationFailed) problems.push(`resumed run ended ${code}: ${io.out()}${io.err()}`);
    }
    const { timeline, integrity, incidentId } = t.inspect();
    const patches = t.sim.patchCount('Deployment', 'shop', 'inventory');
    const applied = timeline.filter((e) => e.kind === 'patch.applied').length;
    const io = captureIo(t.env);
    const rolled = await runCli(['rollback', String(incidentId), '--yes'], io);
    const rolledBack = rolled === ExitCode.Ok && t.limit() === '64Mi' && t.sim.patchCount('Deployment', 'shop', 'inventory') === patches + 1;
    if (!rolledBack) problems.push(`rollback: ${rolled} ${io.out()}${io.err()}`);
    const started = timeline.filter((e) => e.kind === 'step.succeeded').map((e) => e.step);
    if (new Set(started).size !== started.length) problems.push(`a step succeeded twice: ${started.join(', ')}`);
    return { killedAfter: k, request, patches, applied, rolledBack, integrity, problems };
  } finally {
    await t.close();
  }
}

describe('the fault campaign: kill -9 after each API request of a whole checklist', () => {
  test('every try patches exactly once, records it, rolls back and keeps the database intact', async () => {
    // A whole run first, to count the API requests a checklist makes.
    const baseline = await startCampaignTry();
    const whole = spawnCli(['run', `shop/${baseline.pod}`, '--yes'], baseline.env);
    expect((await whole.exited).code).toBe(ExitCode.VerificationFailed);
    const total = baseline.proxy.requests().length;
    await baseline.close();
    expect(total).toBeGreaterThan(10);

    const results: TryResult[] = [];
    for (let k = 1; k <= total; k++) results.push(await killAfter(k));
    const failed = results.filter((r) => r.patches !== 1 || r.applied !== 1 || !r.rolledBack || r.integrity !== 'ok' || r.problems.length > 0);
    // CAMPAIGN_REPORT=FILE keeps every try's outcome, for the README's table.
    if (process.env.CAMPAIGN_REPORT) writeFileSync(process.env.CAMPAIGN_REPORT, JSON.stringify(results, null, 2));
    expect(failed).toEqual([]);
  }, 15 * 60_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { oomKilledPod } from '../support/sim-pods.js';
import { stringify } from 'yaml';
import { defaultRunbook } from '../support/default-runbook.js';
import { captureIo } from './capture-io.js';

describe('oom-check audit, and the rows the command line leaves', () => {
  let dir: string;
  let sim: Simulator;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-audit-'));
    env = { OOM_CHECK_DB_PATH: join(dir, 'oom-check.db'), KUBECONFIG: join(dir, 'kubeconfig'), LOG_LEVEL: 'silent' };
    // A fix that does not verify (the health check never passes) leaves the incident open for rollback and resolve.
    sim = await startSimulator({ scenario: 'health-failing', timeScale: 0.001 });
    writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfigYaml());
    writeFileSync(join(dir, 'runbook.yaml'), stringify(defaultRunbook((runbook) => {
      runbook.steps.health.timeoutSeconds = 1;
      runbook.steps.wait.timeoutSeconds = 20;
    })));
    env.OOM_CHECK_RUNBOOK = join(dir, 'runbook.yaml');
  });
  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(argv: string[]) {
    const io = captureIo(env);
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  test('run, rollback, resolve, export (found or not) and audit itself: one row each, who, where, what and the exit', async () => {
    const pod = await oomKilledPod(sim, 'shop', 'inventory-');
    expect((await run(['run', `shop/${pod}`, '--yes'])).code).toBe(ExitCode.VerificationFailed);
    expect((await run(['rollback', '1', '--yes'])).code).toBe(ExitCode.Ok);
    expect((await run(['resolve', '1', '--note', 'limit set in git'])).code).toBe(ExitCode.Ok);
    expect((await run(['export', '1'])).code).toBe(ExitCode.Ok);
    expect((await run(['export', '7'])).code).toBe(ExitCode.NotFound);
    expect((await run(['audit', '--format', 'text'])).code).toBe(ExitCode.Ok);

    const listed = await run(['audit']);
    expect(listed).toMatchObject({ code: ExitCode.Ok, err: '' });
    const rows = listed.out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const cli = { actor: `cli:${userInfo().username}`, source: 'cli', place: `cli:${hostname()}`, allowed: true };
    expect(rows).toEqual([
      { ...cli, seq: 1, at: expect.any(String), action: 'cli.run', target: `shop/${pod}`, result: 'exit 4', detail: { args: `shop/${pod} --yes` } },
      { ...cli, seq: 2, at: expect.any(String), action: 'cli.rollback', target: 'incident:1', result: 'exit 0', detail: { args: '1 --yes' } },
      { ...cli, seq: 3, at: expect.any(String), action: 'cli.resolve', target: 'incident:1', result: 'exit 0', detail: { args: '1 --note limit set in git' } },
      { ...cli, seq: 4, at: expect.any(String), action: 'cli.export', target: 'incident:1', result: 'exit 0', detail: { args: '1' } },
      { ...cli, seq: 5, at: expect.any(String), action: 'cli.export', target: 'incident:7', result: 'exit 3', detail: { args: '7' } },
      { ...cli, seq: 6, at: expect.any(String), action: 'cli.audit', target: null, result: 'exit 0', detail: { args: '--format text' } },
    ]);
    // The listing is a command too: its own row follows.
    const text = await run(['audit', '--format', 'text', '--since', '1h']);
    expect(text.out.split('\n')[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z #1 cli:${userInfo().username} in cli:${hostname()} cli.run shop/${pod} ok: exit 4$`));
    expect(text.out.trim().split('\n').at(-1)).toMatch(/ #7 .* cli\.audit ok: exit 0$/);
    expect((await run(['audit', '--since', '2999-01-01'])).out).toBe('');
  }, 60_000);

  test('a usage error is recorded with its message; a bad --since or --format is one', async () => {
    expect((await run(['migrate'])).code).toBe(ExitCode.Ok);
    expect((await run(['export', '1'])).code).toBe(ExitCode.NotFound);
    const bad = await run(['audit', '--since', 'yesterday']);
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.err).toContain('--since must be an ISO time such as 2026-11-27T10:00:00Z (or a date), or how long ago such as 24h or 7d, not "yesterday"');
    expect((await run(['audit', '--format', 'csv'])).code).toBe(ExitCode.Usage);
    const rows = (await run(['audit'])).out.trim().split('\n').map((line) => JSON.parse(line) as { action: string; result: string });
    expect(rows.slice(1).map((row) => [row.action, row.result])).toEqual([
      ['cli.audit', 'exit 2: oom-check audit: --since must be an ISO time such as 2026-11-27T10:00:00Z (or a date), or how long ago such as 24h or 7d, not "yesterday"'],
      ['cli.audit', 'exit 2: oom-check audit: --format must be jsonl or text, not "csv"'],
    ]);
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../src/adapters/sqlite/sqlite-incident-store.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { packageRoot } from '../../src/paths.js';
import { fixedIncident, HOSTILE } from '../core/postmortem/sample-incidents.js';
import { newIncident } from '../store/incident-store-contract.js';
import { captureIo } from './capture-io.js';

describe('oom-check command line', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-cli-'));
    env = { OOM_CHECK_DB_PATH: join(dir, 'oom-check.db') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(...argv: string[]) {
    const io = captureIo(env);
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  function seedIncident(): number {
    const store = new SqliteIncidentStore(openDatabase(env.OOM_CHECK_DB_PATH!).db);
    const { incident } = store.openIncident(newIncident());
    store.appendMany(fixedIncident.events.slice(1).map(({ at, kind, actor, step, data }) => ({ incidentId: incident.id, at, kind, actor, step, data })));
    store.close();
    return incident.id;
  }

  test('--help, help <command> and --version', async () => {
    expect(await run('--help')).toMatchObject({ code: ExitCode.Ok, out: expect.stringContaining('Usage: oom-check <command>') });
    expect(await run('help', 'export')).toMatchObject({ code: ExitCode.Ok, out: expect.stringContaining('--format md|json|html') });
    expect(await run('export', '--help')).toMatchObject({ code: ExitCode.Ok, out: expect.stringContaining('--out FILE') });
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: ExitCode.Ok, out: `${manifest.version}\n`, err: '' });
  });

  test('an unknown command is a usage error', async () => {
    expect(await run('deploy')).toMatchObject({ code: ExitCode.Usage, err: expect.stringContaining('unknown command "deploy"') });
    expect(await run('help', 'deploy')).toMatchObject({ code: ExitCode.Usage });
    // Names of Object.prototype are not commands either.
    expect(await run('constructor')).toMatchObject({ code: ExitCode.Usage, err: expect.stringContaining('unknown command "constructor"') });
    expect(await run('help', 'toString')).toMatchObject({ code: ExitCode.Usage, out: '' });
  });

  test('migrate creates the database, then says it is up to date', async () => {
    expect(await run('migrate')).toMatchObject({ code: ExitCode.Ok, out: expect.stringMatching(/^applied 0001_incidents_and_timeline\.sql\n(applied \d{4}_\w+\.sql\n)*.*now at schema version \d+/) });
    expect(await run('migrate')).toMatchObject({ code: ExitCode.Ok, out: expect.stringContaining('already up to date') });
  });

  test('export writes Markdown to stdout, JSON to a file', async () => {
    const id = seedIncident();
    const markdown = await run('export', String(id));
    expect(markdown.code).toBe(ExitCode.Ok);
    expect(markdown.out).toMatch(/^# Postmortem: incident 1 — Deployment shop\/checkout/);
    expect(markdown.out).toContain('\\<script>alert("x")\\</script>');
    const out = join(dir, 'pm.json');
    expect(await run('export', String(id), '--format', 'json', '--out', out)).toMatchObject({
      code: ExitCode.Ok,
      out: `wrote the postmortem of incident ${id} to ${out}\n`,
    });
    const json = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number; timeline: Array<{ data: { text?: string } }> };
    expect(json.schemaVersion).toBe(1);
    expect(json.timeline.some((event) => event.data.text === HOSTILE)).toBe(true);
  });

  test('export --format html writes the page with its chart', async () => {
    const id = seedIncident();
    const out = join(dir, 'pm.html');
    expect(await run('export', String(id), '--format', 'html', '--out', out)).toMatchObject({ code: ExitCode.Ok, out: `wrote the postmortem of incident ${id} to ${out}\n` });
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script');
  });

  test.each([
    [['export'], ExitCode.Usage, 'give the incident id'],
    [['export', 'abc'], ExitCode.Usage, '"abc" is not an incident id'],
    [['export', '0'], ExitCode.Usage, '"0" is not an incident id'],
    [['export', '1', '2'], ExitCode.Usage, 'unexpected argument "2"'],
    [['export', '1', '--format', 'pdf'], ExitCode.Usage, '--format must be md, json or html, not "pdf"'],
    [['export', '1', '--colour'], ExitCode.Usage, "Unknown option '--colour'"],
    [['export', '1', '--out'], ExitCode.Usage, "Option '-o, --out <value>' argument missing"],
    [['migrate', 'now'], ExitCode.Usage, 'unexpected argument "now"'],
  ])('%p fails with exit %d: %s', async (argv, code, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
    expect(result.out).toBe('');
  });

  test('an unknown incident or a missing database is a clear not-found', async () => {
    expect(await run('export', '5')).toMatchObject({ code: ExitCode.NotFound, err: expect.stringContaining(`no database at ${env.OOM_CHECK_DB_PATH}`) });
    seedIncident();
    expect(await run('export', '5')).toMatchObject({ code: ExitCode.NotFound, err: expect.stringContaining('incident 5 does not exist') });
  });

  test('a tampered database is refused with its reason and no stack trace', async () => {
    seedIncident();
    const { db } = openDatabase(env.OOM_CHECK_DB_PATH!);
    db.prepare("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1").run();
    db.close();
    const result = await run('export', '1');
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toContain('was changed after it was applied');
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  test('a bad setting stops a command with exit 2 and the fix, before it touches anything', async () => {
    env = { ...env, PORT: 'abc', SLACK_BOT_TOKEN: 'xoxp-user', SLACK_APPROVERS: 'U1' };
    const result = await run('serve');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.err).toMatch(/^oom-check: 4 configuration problems:\n {2}- PORT="abc" must be a whole number/);
    expect(result.err).toContain('SLACK_BOT_TOKEN (set, 9 characters) must be a bot token starting xoxb-');
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  test('as a process: a bad flag exits 2 with one message and no stack trace', async () => {
    const tsx = join(packageRoot, 'node_modules', '.bin', 'tsx');
    const error = await promisify(execFile)(tsx, ['src/cli/main.ts', 'export', 'abc'], { cwd: packageRoot, env: { ...process.env, ...env } }).then(
      () => undefined,
      (failure: { code: number; stderr: string }) => failure,
    );
    expect(error?.code).toBe(ExitCode.Usage);
    expect(error?.stderr).toBe('oom-check export: "abc" is not an incident id: ids are whole numbers such as 42\nRun "oom-check export --help" for usage.\n');
  });
});

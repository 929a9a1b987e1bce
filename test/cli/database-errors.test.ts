import { execFile } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/adapters/sqlite/open-database.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { migrationsDir, packageRoot } from '../../src/paths.js';
import { captureIo } from './capture-io.js';
import { runCliUnprivileged, unprivilegedUnavailable } from './run-cli-process.js';
import { contentOf, integrityOf, seedDatabase } from './seed-database.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "http://127.0.0.1:9" } }]
users: [{ name: u, user: {} }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

/** Every command that opens the database, with what it needs to get that far. */
const OPENERS: string[][] = [['migrate'], ['export', '1'], ['run', 'shop/checkout-7d9f8-abcde', '--yes'], ['rollback', '1', '--yes'], ['serve']];

describe('database problems are one clear sentence and exit 1', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-db-errors-'));
    writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
    env = {
      KUBECONFIG: join(dir, 'kubeconfig'),
      LOG_LEVEL: 'silent',
      PORT: '0',
      HOST: '127.0.0.1',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_APPROVERS: 'U012AB3CD',
      OOM_CHECK_SWEEP_SCHEDULE: 'off',
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(dbPath: string, argv: string[]) {
    const io = captureIo({ ...env, OOM_CHECK_DB_PATH: dbPath });
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  async function expectEveryCommandRefuses(dbPath: string, message: string) {
    for (const argv of OPENERS) {
      const result = await run(dbPath, argv);
      expect({ argv, ...result }).toEqual({ argv, code: ExitCode.Failure, out: '', err: `${message}\n` });
    }
  }

  test('a folder', async () => {
    const path = join(dir, 'db');
    mkdirSync(path);
    await expectEveryCommandRefuses(path, `oom-check: the database path ${path} is a folder, not a file: set OOM_CHECK_DB_PATH to a file such as ${join(path, 'oom-check.db')}`);
    expect(readdirSync(path)).toEqual([]);
  });

  test('random bytes', async () => {
    const path = join(dir, 'random.db');
    const bytes = randomBytes(16_384);
    writeFileSync(path, bytes);
    await expectEveryCommandRefuses(
      path,
      `oom-check: ${path} is not an SQLite database: set OOM_CHECK_DB_PATH to oom-check's database, or move this file away and run oom-check migrate to start a new one`,
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  test.each([50, 4096, 0.5])('a database truncated to %p bytes (0.5: half its size)', async (cut) => {
    const path = join(dir, 'truncated.db');
    seedDatabase(path);
    const whole = readFileSync(path).length;
    truncateSync(path, cut < 1 ? Math.floor((whole * cut) / 4096) * 4096 : cut);
    await expectEveryCommandRefuses(
      path,
      `oom-check: the database ${path} is damaged (SQLite: database disk image is malformed): restore it from a backup, or move it away and run oom-check migrate to start a new one`,
    );
  });

  test('a path under a regular file', async () => {
    writeFileSync(join(dir, 'notes'), 'mine');
    const path = join(dir, 'notes', 'oom-check.db');
    await expectEveryCommandRefuses(path, `oom-check: the database ${path} cannot be opened: ${join(dir, 'notes')} is a file, not a folder; set OOM_CHECK_DB_PATH to a path under a folder`);
    expect(readFileSync(join(dir, 'notes'), 'utf8')).toBe('mine');
  });

  test('an empty file is no oom-check database for export, and migrate turns it into one', async () => {
    const path = join(dir, 'empty.db');
    writeFileSync(path, '');
    expect(await run(path, ['export', '1'])).toEqual({
      code: ExitCode.Failure,
      out: '',
      err: `oom-check: the database ${path} has no oom-check schema yet: run oom-check migrate, then run the command again\n`,
    });
    expect(readFileSync(path).length).toBe(0);
    expect((await run(path, ['migrate'])).code).toBe(ExitCode.Ok);
    expect(await run(path, ['export', '1'])).toMatchObject({ code: ExitCode.NotFound, err: expect.stringContaining('incident 1 does not exist') });
  });

  test('export reads without migrating: an older schema is sent to migrate, untouched', async () => {
    const path = join(dir, 'old.db');
    const older = join(dir, 'migrations');
    mkdirSync(older);
    copyFileSync(join(migrationsDir, '0001_incidents_and_timeline.sql'), join(older, '0001_incidents_and_timeline.sql'));
    openDatabase(path, { migrations: older }).db.close();
    const before = readFileSync(path);
    const result = await run(path, ['export', '1']);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toMatch(new RegExp(`^oom-check: the database ${path} is at schema version 1 but this oom-check reads version \\d+: run oom-check migrate, then run the command again\n$`));
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  test('export refuses a database a newer release wrote', async () => {
    const path = join(dir, 'newer.db');
    const newer = join(dir, 'migrations');
    cpSync(migrationsDir, newer, { recursive: true });
    writeFileSync(join(newer, '0099_future.sql'), 'CREATE TABLE future (id INTEGER PRIMARY KEY);');
    openDatabase(path, { migrations: newer }).db.close();
    const result = await run(path, ['export', '1']);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toMatch(/^the database has migration 99 \(future\) but this oom-check knows migrations up to \d+: run the oom-check release that wrote it/);
  });

  test('export changes nothing but its own audit row, and leaves no -wal or -shm file beside it', async () => {
    const path = join(dir, 'data', 'oom-check.db');
    seedDatabase(path);
    const before = contentOf(path);
    expect((await run(path, ['export', '1'])).code).toBe(ExitCode.Ok);
    expect(readdirSync(join(dir, 'data'))).toEqual(['oom-check.db']);
    expect(contentOf(path)).toBe(before);
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    expect(db.prepare('SELECT action, target, result FROM audit_log').all()).toEqual([{ action: 'cli.export', target: 'incident:1', result: 'exit 0' }]);
    db.close();
    expect(integrityOf(path)).toBe('ok');
  });

  test('as a process: a folder as database is one line on stderr, exit 1', async () => {
    const path = join(dir, 'db');
    mkdirSync(path);
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], {
      cwd: packageRoot,
      env: { ...process.env, OOM_CHECK_DB_PATH: path, NODE_OPTIONS: '' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(ExitCode.Failure);
    expect(failure?.stderr).toBe(`oom-check: the database path ${path} is a folder, not a file: set OOM_CHECK_DB_PATH to a file such as ${join(path, 'oom-check.db')}\n`);
  });

  describe('read-only databases (file modes; see run-cli-process.ts for running as root)', () => {
    if (unprivilegedUnavailable) test.todo(`skipped: ${unprivilegedUnavailable}`);
    const maybe = unprivilegedUnavailable ? test.skip : test;

    function readOnlyFixture(fileMode: number, folderMode: number): string {
      chmodSync(dir, 0o755);
      const path = join(dir, 'data', 'oom-check.db');
      seedDatabase(path);
      chmodSync(path, fileMode);
      chmodSync(join(dir, 'data'), folderMode);
      return path;
    }

    maybe.each([
      ['a read-only file', 0o444, 0o777],
      ['a read-only folder', 0o666, 0o555],
    ])('%s: migrate refuses clearly, export still works', async (_name, fileMode, folderMode) => {
      const path = readOnlyFixture(fileMode, folderMode);
      const migrate = await runCliUnprivileged(['migrate'], { OOM_CHECK_DB_PATH: path });
      expect(migrate.code).toBe(ExitCode.Failure);
      expect(migrate.err).toBe(
        `oom-check: the database ${path} is read-only for this user: run oom-check as the user that owns it, or make the file and its folder writable (oom-check export can still read it)\n`,
      );
      const exported = await runCliUnprivileged(['export', '1'], { OOM_CHECK_DB_PATH: path });
      // It still works; its audit row cannot be written, and it says so.
      expect(exported).toMatchObject({ code: ExitCode.Ok, err: `oom-check: this export is not in the audit log: the database ${path} is read-only for this user\n` });
      expect(exported.out).toMatch(/^# Postmortem: incident 1/);
      expect(readdirSync(join(dir, 'data'))).toEqual(['oom-check.db']);
      chmodSync(join(dir, 'data'), 0o755);
      expect(integrityOf(path)).toBe('ok');
    }, 60_000);

    maybe('a new database in a read-only folder', async () => {
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, 'data'), { mode: 0o555 });
      chmodSync(join(dir, 'data'), 0o555);
      const path = join(dir, 'data', 'oom-check.db');
      const migrate = await runCliUnprivileged(['migrate'], { OOM_CHECK_DB_PATH: path });
      expect(migrate.code).toBe(ExitCode.Failure);
      expect(migrate.err).toBe(
        `oom-check: the database ${path} is read-only for this user: run oom-check as the user that owns it, or make the file and its folder writable (oom-check export can still read it)\n`,
      );
    }, 60_000);
  });
});

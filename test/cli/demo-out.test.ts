import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { captureIo } from './capture-io.js';

const MARKER = '.oom-check-demo';

describe('oom-check demo --out', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-demo-out-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(...argv: string[]) {
    const io = captureIo({});
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  test('refuses a folder that holds files it did not make, and touches nothing in it', async () => {
    const out = join(dir, 'work');
    mkdirSync(join(out, 'src'), { recursive: true });
    writeFileSync(join(out, 'src', 'main.ts'), 'precious');
    writeFileSync(join(out, 'oom-check.db'), 'not the demo one');
    const result = await run('demo', '--out', out);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toBe(
      `oom-check demo: ${out} already holds files the demo did not make (there is no ${MARKER} in it), and the demo would delete them: ` +
        `give --out a new or empty folder, or empty ${out} yourself\n`,
    );
    expect(result.out).toBe('');
    expect(readdirSync(out).sort()).toEqual(['oom-check.db', 'src']);
    expect(readFileSync(join(out, 'src', 'main.ts'), 'utf8')).toBe('precious');
    expect(readFileSync(join(out, 'oom-check.db'), 'utf8')).toBe('not the demo one');
  });

  test('refuses a file given as the folder', async () => {
    const out = join(dir, 'notes.txt');
    writeFileSync(out, 'mine');
    const result = await run('demo', '--out', out);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toBe(`oom-check demo: --out ${out} is a file, not a folder: give a new or empty folder\n`);
    expect(readFileSync(out, 'utf8')).toBe('mine');
  });

  test('a folder under a regular file: one sentence, exit 1', async () => {
    writeFileSync(join(dir, 'notes'), 'mine');
    const out = join(dir, 'notes', 'demo');
    const result = await run('demo', '--out', out);
    expect(result.code).toBe(ExitCode.Failure);
    expect(result.err).toBe(`oom-check: cannot write ${out}: ${join(dir, 'notes')} is a file, not a folder; choose a path under a folder\n`);
  });

  test('uses an empty folder, marks it, and on the next run replaces only its own files', async () => {
    const out = join(dir, 'empty');
    mkdirSync(out);
    const first = await run('demo', '--out', out, '--time-scale', '0.001');
    expect(first.code).toBe(ExitCode.Ok);
    expect(readdirSync(out)).toEqual(expect.arrayContaining([MARKER, 'oom-check.db', 'postmortem-incident-1.md']));

    // A file someone put beside the demo's survives the next run, which starts a fresh database
    // (its incident is number 1 again) rather than adding to the old one.
    writeFileSync(join(out, 'my-notes.txt'), 'keep me');
    writeFileSync(join(out, 'postmortem-incident-7.md'), 'an old demo postmortem');
    const second = await run('demo', '--out', out, '--time-scale', '0.001');
    expect(second.code).toBe(ExitCode.Ok);
    expect(second.out).toContain(`Postmortem written to ${join(out, 'postmortem-incident-1.md')}`);
    expect(readFileSync(join(out, 'my-notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(out, 'postmortem-incident-7.md'))).toBe(false);
    expect(readdirSync(out).filter((name) => name.startsWith('postmortem-'))).toEqual(['postmortem-incident-1.md']);
  });
});

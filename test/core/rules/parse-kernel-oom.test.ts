import fc from 'fast-check';
import { parseKernelOom, type KernelOomKill } from '../../../src/core/rules/parse-kernel-oom.js';
import { runs } from '../../properties/settings.js';

const Ki = 1024;
const Mi = 1024 ** 2;

const modern = 'Killed process 1234 (migrate) total-vm:123456kB, anon-rss:65536kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:256kB oom_score_adj:-997';

describe('the kernel line in its forms', () => {
  test.each<[string, string, Partial<KernelOomKill>, string[]]>([
    [
      'a 5.x+ line, bare',
      modern,
      { pid: 1234, process: 'migrate', totalVmBytes: 123456 * Ki, anonRssBytes: 64 * Mi, fileRssBytes: 1 * Mi, shmemRssBytes: 0, oomScoreAdj: -997, uid: 0, scope: 'unknown' },
      [],
    ],
    ['as node-problem-detector reports a cgroup OOM', `Memory cgroup out of memory: ${modern}`, { pid: 1234, scope: 'cgroup' }, []],
    ['from dmesg with a timestamp', `[89942.482095] Memory cgroup out of memory: ${modern}`, { pid: 1234, scope: 'cgroup' }, []],
    ['a node-wide OOM', `Out of memory: ${modern}`, { scope: 'node' }, ['the whole node ran out of memory ("Out of memory"), not the container\'s limit']],
    [
      'a 4.x line without UID or oom_score_adj',
      'Killed process 46433 (chrome) total-vm:536552kB, anon-rss:12012kB, file-rss:53740kB, shmem-rss:4kB',
      { pid: 46433, process: 'chrome', anonRssBytes: 12012 * Ki, fileRssBytes: 53740 * Ki, shmemRssBytes: 4 * Ki, oomScoreAdj: null, uid: null },
      [],
    ],
    ['an old kernel without shmem-rss', 'Killed process 99 (migrate) total-vm:1000kB, anon-rss:500kB, file-rss:20kB', { shmemRssBytes: 0 }, ['this kernel does not report shmem-rss; counted as 0']],
    ['a process name with spaces and parentheses', 'Killed process 7 (my (odd) proc) total-vm:10kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:4kB oom_score_adj:0', { process: 'my (odd) proc', uid: 1000, oomScoreAdj: 0 }, []],
    ['a positive oom_score_adj', modern.replace('-997', '1000'), { oomScoreAdj: 1000 }, []],
    ['the next kernel line after it is ignored', `${modern}\noom_reaper: reaped process 1234 (migrate), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB`, { pid: 1234, oomScoreAdj: -997 }, []],
  ])('%s', (_case, text, kill, notes) => {
    const result = parseKernelOom(text);
    if (!result.ok) throw new Error(result.problem);
    expect(result.kill).toMatchObject(kill);
    expect(result.notes).toEqual(notes);
  });
});

describe('the evidence: what it held at the kill, a lower bound', () => {
  test('the seed-like kill', () => {
    const result = parseKernelOom(`Memory cgroup out of memory: ${modern}`, { at: '2026-11-27T22:40:05Z' });
    expect(result.ok && result.evidence).toEqual({
      source: 'kernel',
      kind: 'lower-bound',
      bytes: 65 * Mi,
      detail: 'the kernel killed migrate (pid 1234) at its cgroup limit holding anon-rss 64Mi + file-rss 1Mi + shmem-rss 0 = 65Mi: it needed more than that',
      at: '2026-11-27T22:40:05Z',
    });
  });

  test('nothing held is no evidence', () => {
    const result = parseKernelOom('Killed process 5 (x) total-vm:0kB, anon-rss:0kB, file-rss:0kB, shmem-rss:0kB');
    expect(result.ok && result.evidence).toBeNull();
  });
});

describe('what is not the report is a problem, never a throw', () => {
  test.each<[string, unknown, string]>([
    ['another kernel line', 'EXT4-fs error (device sda1): bad block', 'not the kernel\'s OOM kill report: no "Killed process" in "EXT4-fs error (device sda1): bad block"'],
    [
      "the kernel's choice line",
      'Memory cgroup out of memory: Kill process 46211 (process) score 561 or sacrifice child',
      'not the kernel\'s OOM kill report: no "Killed process" in "Memory cgroup out of memory: Kill process 46211 (process) sc": this is the kernel\'s choice of victim; the report to read is the "Killed process ..." line after it',
    ],
    ['a mangled report', 'Killed process 12 (migrate) total-vm:lots', '"Killed process" is there but not in the kernel\'s form (Killed process PID (NAME) total-vm:NkB, anon-rss:NkB, file-rss:NkB, ...): "Killed process 12 (migrate) total-vm:lots"'],
    ['MB instead of kB', 'Killed process 12 (m) total-vm:1MB, anon-rss:1MB, file-rss:1MB', '"Killed process" is there but not in the kernel\'s form (Killed process PID (NAME) total-vm:NkB, anon-rss:NkB, file-rss:NkB, ...): "Killed process 12 (m) total-vm:1MB, anon-rss:1MB, file-rss:1MB"'],
    ['not text', 42, 'the kernel OOM report was not read as text'],
    ['empty', '', 'not the kernel\'s OOM kill report: no "Killed process" in ""'],
  ])('%s', (_case, text, problem) => {
    expect(parseKernelOom(text as string)).toEqual({ ok: false, problem });
  });

  test('a huge hostile line is cut, parsed quickly, and the name clipped', () => {
    const name = `x)${' total-vm:1kB'.repeat(5000)}`;
    const started = Date.now();
    const result = parseKernelOom(`Killed process 1 (${name}) total-vm:1kB, anon-rss:1kB, file-rss:1kB`);
    expect(Date.now() - started).toBeLessThan(500);
    expect(result.ok).toBe(false);
    const long = parseKernelOom(`Killed process 1 (${'n'.repeat(200)}) total-vm:1kB, anon-rss:1kB, file-rss:1kB`);
    expect(long.ok && long.kill.process).toHaveLength(64);
  });

  test('any text: an answer, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `Killed process ${s}`), fc.anything()), (text) => {
        const result = parseKernelOom(text as string);
        expect(typeof (result.ok ? result.kill.process : result.problem)).toBe('string');
      }),
      runs(300),
    );
  });
});

import fc from 'fast-check';
import { cgroupEvidence } from '../../../src/core/rules/cgroup-evidence.js';
import { parseCgroupMemory, type CgroupMemory, type CgroupMemoryFiles } from '../../../src/core/rules/parse-cgroup-memory.js';
import { runs } from '../../properties/settings.js';

const Mi = 1024 ** 2;

/** memory.events as a 6.x kernel prints it. */
const events = (oom: number, oomKill: number) => `low 0\nhigh 0\nmax ${oom * 7}\noom ${oom}\noom_kill ${oomKill}\noom_group_kill 0\n`;

describe('parsing the files', () => {
  test.each<[string, CgroupMemoryFiles, Partial<CgroupMemory>]>([
    [
      'a container killed at 64Mi',
      { peak: `${64 * Mi}\n`, current: `${3 * Mi}\n`, max: `${64 * Mi}\n`, events: events(3, 3) },
      { peakBytes: 64 * Mi, currentBytes: 3 * Mi, maxBytes: 64 * Mi, unlimited: false, oomEvents: 3, oomKills: 3, problems: [] },
    ],
    ['no limit', { max: 'max\n', peak: '1048576' }, { maxBytes: null, unlimited: true, peakBytes: Mi, problems: [] }],
    ['nothing read', {}, { peakBytes: null, currentBytes: null, maxBytes: null, unlimited: null, events: {}, oomEvents: null, oomKills: null, problems: [] }],
    ['null files', { peak: null, current: null, max: null, events: null }, { unlimited: null, problems: [] }],
    ['all the events are kept', { events: events(1, 1) }, { events: { low: 0, high: 0, max: 7, oom: 1, oom_kill: 1, oom_group_kill: 0 } }],
    ['an old kernel without oom_kill', { events: 'low 0\nhigh 0\nmax 3\noom 1\n' }, { oomEvents: 1, oomKills: null, problems: [] }],
    ['blank lines and spaces are fine', { events: '\n  oom 2  \n\noom_kill   2\n' }, { oomKills: 2, problems: [] }],
  ])('%s', (_case, files, expected) => {
    expect(parseCgroupMemory(files)).toMatchObject(expected);
  });
});

describe('what does not parse is a problem', () => {
  test.each<[string, unknown, string[]]>([
    ['a word for a peak', { peak: 'lots' }, ['memory.peak "lots" is not a byte count']],
    ['a negative current', { current: '-1' }, ['memory.current "-1" is not a byte count']],
    ['a quantity instead of bytes', { max: '64Mi' }, ['memory.max "64Mi" is not a byte count']],
    ['cgroup v1 "no limit" is beyond exact bytes', { max: '9223372036854771712' }, ['memory.max "9223372036854771712" is not a byte count']],
    ['a permission error read as the file', { peak: 'cat: /sys/fs/cgroup/memory.peak: No such file or directory' }, ['memory.peak "cat: /sys/fs/cgroup/memory.peak: No suc…" is not a byte count']],
    ['a number not as text', { peak: 5 }, ['memory.peak was not read as text']],
    ['garbage events lines', { events: 'oom 1\noom_kill x\n<html>\n' }, ['memory.events has 2 lines that are not "key count", e.g. "oom_kill x"']],
    ['events not text', { events: ['oom 1'] }, ['memory.events was not read as text']],
    ['a flood of events lines', { events: 'oom 1\n'.repeat(100) }, ['memory.events has 100 lines; only the first 64 were read']],
  ])('%s', (_case, files, problems) => {
    expect(parseCgroupMemory(files as CgroupMemoryFiles).problems).toEqual(problems);
  });

  test('anything at all: an answer, never a throw', () => {
    fc.assert(
      fc.property(fc.anything(), fc.record({ peak: fc.string(), current: fc.string(), max: fc.string(), events: fc.string() }, { requiredKeys: [] }), (raw, files) => {
        expect(Array.isArray(parseCgroupMemory(raw as CgroupMemoryFiles).problems)).toBe(true);
        const parsed = parseCgroupMemory(files);
        expect(typeof cgroupEvidence(parsed).why).toBe('string');
      }),
      runs(300),
    );
  });
});

describe('the evidence the files yield', () => {
  test.each<[string, CgroupMemoryFiles, 'measured-peak' | 'lower-bound' | null, number | null, string, number | null]>([
    [
      'killed at its limit: the peak is a lower bound',
      { peak: `${64 * Mi}`, max: `${64 * Mi}`, events: events(3, 3) },
      'lower-bound',
      64 * Mi,
      'memory.peak 64Mi of a cgroup that hit its memory.max 64Mi (3 OOM kills): it needed more than that',
      3,
    ],
    ['at its limit without a kill yet', { peak: `${64 * Mi}`, max: `${64 * Mi}`, events: events(0, 0) }, 'lower-bound', 64 * Mi, 'memory.peak 64Mi of a cgroup that hit its memory.max 64Mi: it needed more than that', 0],
    ['an oom event counts as hitting it', { peak: `${60 * Mi}`, max: `${64 * Mi}`, events: events(1, 0) }, 'lower-bound', 60 * Mi, 'memory.peak 60Mi of a cgroup that hit its memory.max 64Mi: it needed more than that', 0],
    [
      'a run that stayed under its limit: a measured peak',
      { peak: `${96 * Mi}`, max: `${256 * Mi}`, events: events(0, 0) },
      'measured-peak',
      96 * Mi,
      "memory.peak 96Mi, the cgroup's high-water mark since it started (page cache included), under memory.max 256Mi",
      0,
    ],
    ['no limit', { peak: `${96 * Mi}`, max: 'max' }, 'measured-peak', 96 * Mi, "memory.peak 96Mi, the cgroup's high-water mark since it started (page cache included), under no memory.max", null],
    ['memory.max not read', { peak: `${96 * Mi}` }, 'measured-peak', 96 * Mi, "memory.peak 96Mi, the cgroup's high-water mark since it started (page cache included), under memory.max unknown", null],
    ['a kernel before 5.19: current is a point reading', { current: `${40 * Mi}`, max: `${64 * Mi}` }, 'lower-bound', 40 * Mi, 'memory.current 40Mi (no memory.peak: kernel before 5.19): a point reading, a lower bound of the peak', null],
    ['nothing usable', { events: events(2, 2) }, null, null, 'neither memory.peak nor memory.current gave a usable number; memory.events counts 2 OOM kills', 2],
    ['a peak of 0 is not evidence', { peak: '0', current: '0' }, null, null, 'neither memory.peak nor memory.current gave a usable number', null],
  ])('%s', (_case, files, kind, bytes, why, oomKills) => {
    const result = cgroupEvidence(parseCgroupMemory(files), { at: '2026-11-27T22:40:05Z' });
    expect(result.why).toBe(why);
    expect(result.oomKills).toBe(oomKills);
    expect(result.evidence).toEqual(kind === null ? null : { source: 'cgroup', kind, bytes, detail: why, at: '2026-11-27T22:40:05Z' });
  });

  test('garbage instead of parsed files', () => {
    expect(cgroupEvidence(null as unknown as CgroupMemory)).toEqual({ evidence: null, oomKills: null, why: 'neither memory.peak nor memory.current gave a usable number' });
  });
});

import fc from 'fast-check';
import { judgeGoMemstats, type GoMemstatsVerdict } from '../../../src/core/rules/judge-go-memstats.js';
import { runs } from '../../properties/settings.js';

const Mi = 1024 ** 2;

/** expvar's /debug/vars as a Go binary serves it: cmdline, memstats, and whatever the program publishes. */
function vars(heapInuse: number, heapIdle: number, heapReleased: number, sys: number): string {
  return JSON.stringify({
    cmdline: ['/migrate', '--all'],
    memstats: { Alloc: heapInuse - Mi, TotalAlloc: 9 * heapInuse, Sys: sys, HeapAlloc: heapInuse - Mi, HeapSys: heapInuse + heapIdle, HeapIdle: heapIdle, HeapInuse: heapInuse, HeapReleased: heapReleased, NumGC: 12, PauseNs: [1, 2, 3] },
    migrations_applied: 41,
  });
}

describe("the seed's lines against a 64Mi limit", () => {
  test.each<[string, string, GoMemstatsVerdict, string]>([
    ['safe', vars(40 * Mi, 10 * Mi, 4 * Mi, 58 * Mi), 'safe', "HeapSys 50Mi is 78% of the 64Mi limit, at or below the seed's 0.85 safe water line; Sys 58Mi is 91%"],
    ['exactly on the safe line', vars(54.4 * Mi, 0, 0, 60 * Mi), 'safe', "HeapSys 54Mi is 85% of the 64Mi limit, at or below the seed's 0.85 safe water line; Sys 60Mi is 94%"],
    [
      'above the safe line',
      vars(50 * Mi, 6 * Mi, 0, 62 * Mi),
      'above-safe-line',
      "HeapSys 56Mi is 88% of the 64Mi limit, above the 0.85 safe water line (the seed keeps 15 % for stacks, OS cache and cgo) but not above 0.9, where the seed's code aborts; Sys 62Mi is 97%",
    ],
    ['the abort line', vars(55 * Mi, 4 * Mi, 0, 63 * Mi), 'abort', "HeapSys 59Mi is 92% of the 64Mi limit, above 0.9: the seed's code aborts here; Sys 63Mi is 98%"],
    ['the kernel line', vars(60 * Mi, 2 * Mi, 0, 70 * Mi), 'kernel-kill', "HeapSys 62Mi is 97% of the 64Mi limit, above 0.95: the seed's line where the kernel OOM-kills; Sys 70Mi is 109%"],
  ])('%s', (_case, body, verdict, why) => {
    const result = judgeGoMemstats(body, { limitBytes: 64 * Mi });
    if (!result.ok) throw new Error(result.problem);
    expect({ verdict: result.verdict, why: result.why }).toEqual({ verdict, why });
  });
});

describe('the evidence it yields', () => {
  test('a reading while it runs is a lower bound of the peak', () => {
    const result = judgeGoMemstats(vars(40 * Mi, 10 * Mi, 4 * Mi, 58 * Mi), { limitBytes: 64 * Mi, at: '2026-11-27T22:40:03Z' });
    expect(result.ok && result.evidence).toEqual({
      source: 'go-runtime',
      kind: 'lower-bound',
      bytes: 58 * Mi,
      detail: "Go runtime Sys 58Mi read while it ran: a point reading, so a lower bound of the peak (cgo and the binary's own pages not counted)",
      at: '2026-11-27T22:40:03Z',
    });
    expect(result.ok && result.notes).toEqual(['4Mi of HeapSys was returned to the OS (HeapReleased) and is not resident now']);
  });

  test('a reading after the work finished is the measured peak', () => {
    const result = judgeGoMemstats(vars(40 * Mi, 10 * Mi, 0, 58 * Mi), { limitBytes: 64 * Mi, processFinished: true });
    expect(result.ok && result.evidence).toMatchObject({ kind: 'measured-peak', bytes: 58 * Mi });
    expect(result.ok && result.evidence.at).toBeUndefined();
  });

  test('no limit: nothing to judge against, the evidence still counts', () => {
    const result = judgeGoMemstats(JSON.parse(vars(40 * Mi, 10 * Mi, 0, 58 * Mi)) as unknown, { limitBytes: null });
    expect(result).toMatchObject({ ok: true, verdict: 'no-limit', heapSysRatio: null, why: 'HeapSys 50Mi, Sys 58Mi; the container has no memory limit to judge them against', evidence: { bytes: 58 * Mi } });
  });

  test('only HeapSys and Sys are required', () => {
    const result = judgeGoMemstats({ memstats: { HeapSys: 10 * Mi, Sys: 20 * Mi } }, { limitBytes: 64 * Mi });
    expect(result).toMatchObject({ ok: true, memstats: { heapSys: 10 * Mi, heapInuse: null, heapIdle: null, heapReleased: null, sys: 20 * Mi }, notes: [] });
  });

  test('numbers that do not add up are noted', () => {
    const result = judgeGoMemstats({ memstats: { HeapSys: 50 * Mi, HeapInuse: 10 * Mi, HeapIdle: 10 * Mi, Sys: 40 * Mi } }, { limitBytes: 64 * Mi });
    expect(result.ok && result.notes).toEqual([
      'HeapSys 50Mi is not HeapInuse + HeapIdle (20Mi): the fields were not read together',
      'Sys 40Mi is below HeapSys 50Mi, which Go never reports: treat these numbers with care',
    ]);
  });
});

describe('what is not expvar is a problem, never a throw', () => {
  const NOT = 'it is not the JSON that expvar serves at /debug/vars (an object with a "memstats" object): check the port and path, and that the binary imports expvar';
  test.each<[string, unknown, string]>([
    ['an HTML error page', '<html><body>404 page not found</body></html>', `the answer is not JSON (<html><body>404 page not found</body></h): ${NOT}`],
    ['an empty answer', '   ', `the answer is not JSON (empty): ${NOT}`],
    ['the image-info JSON instead', JSON.stringify({ layers: [], go: { version: 'go1.22.1' } }), `the answer has no "memstats" object: ${NOT}`],
    ['a JSON array', '[1,2,3]', `the answer has no "memstats" object: ${NOT}`],
    ['JSON null', 'null', `the answer has no "memstats" object: ${NOT}`],
    ['memstats a string', { memstats: 'big' }, `the answer has no "memstats" object: ${NOT}`],
    ['HeapSys as text', { memstats: { HeapSys: '50Mi', Sys: 1 } }, `memstats has no usable HeapSys (a non-negative number of bytes): ${NOT}`],
    ['both missing', { memstats: {} }, `memstats has no usable HeapSys or Sys (a non-negative number of bytes): ${NOT}`],
    ['a negative Sys', { memstats: { HeapSys: 1, Sys: -1 } }, `memstats has no usable Sys (a non-negative number of bytes): ${NOT}`],
    ['Sys 0', { memstats: { HeapSys: 0, Sys: 0 } }, 'memstats reports Sys 0: no Go runtime reports that; the numbers are not real memstats'],
    ['undefined', undefined, `the answer has no "memstats" object: ${NOT}`],
  ])('%s', (_case, body, problem) => {
    expect(judgeGoMemstats(body, { limitBytes: 64 * Mi })).toEqual({ ok: false, problem });
  });

  test('a bad limit', () => {
    expect(judgeGoMemstats(vars(1, 1, 0, 2), { limitBytes: 0 })).toEqual({ ok: false, problem: 'the memory limit must be a positive number of bytes or null, got 0' });
  });

  test('any JSON text or value: an answer, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string(), fc.anything()), (body) => {
        const result = judgeGoMemstats(body, { limitBytes: 64 * Mi });
        expect(typeof (result.ok ? result.why : result.problem)).toBe('string');
      }),
      runs(300),
    );
  });
});

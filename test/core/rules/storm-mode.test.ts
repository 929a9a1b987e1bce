import { DEFAULT_STORM_SETTINGS, idRanges, stormVerdict, windowStart } from '../../../src/core/rules/storm-mode.js';

describe('storm mode: more than K incidents within M minutes', () => {
  test.each([
    [5, false, 'calm'],
    [6, false, 'start'],
    [6, true, 'continue'],
    [500, true, 'continue'],
    [5, true, 'end'],
    [0, true, 'end'],
  ] as const)('%i opened in the window, storm running: %s -> %s', (opened, running, verdict) => {
    expect(stormVerdict(opened, running)).toBe(verdict);
  });

  test('defaults: 5 within 5 minutes; the window ends now', () => {
    expect(DEFAULT_STORM_SETTINGS).toEqual({ threshold: 5, windowMs: 300_000 });
    expect(windowStart(new Date('2026-11-27T10:05:00.000Z'))).toBe('2026-11-27T10:00:00.000Z');
    expect(stormVerdict(3, false, { threshold: 2, windowMs: 60_000 })).toBe('start');
  });

  test.each([
    [[], ''],
    [[7], '#7'],
    [[1, 2, 3, 5, 7, 8, 9], '#1–#3, #5, #7–#9'],
    [[3, 1, 2, 2], '#1–#3'],
  ])('idRanges(%j) = %s', (ids, text) => {
    expect(idRanges(ids)).toBe(text);
  });
});

import { cronFiresAt, openWindowStart, parseCron } from '../../../src/core/rules/cron-window.js';

const cron = (text: string) => {
  const parsed = parseCron(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.cron;
};

describe('cron expressions', () => {
  test.each<[string, string, boolean]>([
    ['0 17 * * fri', '2026-11-27T17:00:00Z', true],
    ['0 17 * * fri', '2026-11-27T17:01:00Z', false],
    ['*/15 9-17 * * 1-5', '2026-11-25T09:45:00Z', true],
    ['*/15 9-17 * * 1-5', '2026-11-28T09:45:00Z', false],
    ['0 0 24 12 *', '2026-12-24T00:00:30Z', true],
    ['0 0 1 * sun', '2026-11-29T00:00:00Z', true], // a Sunday that is not the 1st: either day field matches
    ['0 0 * * 7', '2026-11-29T00:00:00Z', true], // 7 is Sunday too
  ])('%s fires at %s: %s', (text, at, fires) => {
    expect(cronFiresAt(cron(text), new Date(at))).toBe(fires);
  });

  test.each<[string, string]>([
    ['0 17 * *', 'must have five fields'],
    ['60 * * * *', 'the minute field "60" must hold values from 0 to 59'],
    ['* * * * mon-sun-x', 'the day of week field'],
    ['*/0 * * * *', 'bad step'],
  ])('%s is refused', (text, problem) => {
    const parsed = parseCron(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(problem);
  });

  test('a window holds from its start up to, not including, its end', () => {
    const friday = cron('0 17 * * fri');
    const hours = (n: number) => n * 3_600_000;
    expect(openWindowStart(friday, hours(63), new Date('2026-11-27T16:59:59Z'))).toBeNull();
    expect(openWindowStart(friday, hours(63), new Date('2026-11-27T17:00:00Z'))?.toISOString()).toBe('2026-11-27T17:00:00.000Z');
    expect(openWindowStart(friday, hours(63), new Date('2026-11-30T07:59:59Z'))?.toISOString()).toBe('2026-11-27T17:00:00.000Z');
    expect(openWindowStart(friday, hours(63), new Date('2026-11-30T08:00:00Z'))).toBeNull();
  });
});

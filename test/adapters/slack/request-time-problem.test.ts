import { requestTimeProblem } from '../../../src/adapters/slack/request-time-problem.js';

const now = Date.parse('2026-11-27T10:00:00.000Z');
const seconds = now / 1000;

describe('requestTimeProblem', () => {
  test.each([
    ['now', String(seconds)],
    ['5 minutes ago', String(seconds - 300)],
    ['5 minutes ahead', String(seconds + 300)],
    ['no header (left to Bolt: only ssl_check passes without one)', undefined],
  ])('%s is accepted', (_what, header) => {
    expect(requestTimeProblem(header, now)).toBeNull();
  });

  test.each([
    ['5 minutes and a second ahead', String(seconds + 301), /301 s in the future/],
    ['10 minutes ahead', String(seconds + 600), /600 s in the future/],
    ['5 minutes and a second ago', String(seconds - 301), /301 s in the past/],
    ['a year ahead', String(seconds + 365 * 86400), /in the future/],
    ['not a number', 'soon', /not a number of seconds/],
    ['negative', '-1', /not a number of seconds/],
    ['a fraction', `${seconds}.5`, /not a number of seconds/],
    ['sent twice', [String(seconds), String(seconds)], /not a number of seconds/],
  ])('%s is refused', (_what, header, problem) => {
    expect(requestTimeProblem(header, now)).toMatch(problem);
  });
});

import { checkEditedLimit } from '../../../src/core/rules/check-edited-limit.js';

const Mi = 1024 ** 2;
const bounds = { currentBytes: 64 * Mi, maxBytes: 4096 * Mi };

describe('checkEditedLimit', () => {
  test.each([
    ['192Mi', 192 * Mi],
    [' 1Gi ', 1024 * Mi],
    ['4Gi', 4096 * Mi],
    ['200M', 200e6],
  ])('accepts %p', (text, bytes) => {
    expect(checkEditedLimit(text, bounds)).toEqual({ ok: true, limit: text.trim(), bytes });
  });

  test.each([
    ['abc', '"abc" is not a memory quantity: write e.g. 192Mi or 1Gi'],
    ['', '"" is not a memory quantity'],
    ['0', '"0" is not a memory quantity'],
    ['64Gi', '64Gi is above the maximum 4Gi (OOM_CHECK_MAX_MEMORY_LIMIT)'],
    ['64Mi', '64Mi is not above the current limit 64Mi: it cannot fix an OOM kill'],
    ['32Mi', '32Mi is not above the current limit 64Mi'],
  ])('refuses %p', (text, problem) => {
    const result = checkEditedLimit(text, bounds);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });

  test('without a current limit any positive quantity within the maximum is fine', () => {
    expect(checkEditedLimit('16Mi', { currentBytes: null, maxBytes: 4096 * Mi }).ok).toBe(true);
  });
});

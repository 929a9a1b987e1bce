import { bumpAfterOom, type OomBumpOptions } from '../../../src/core/rules/bump-after-oom.js';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe("VPA's bump after an OOM kill", () => {
  test.each<[string, number, OomBumpOptions, number]>([
    ['the seed: 64Mi, the 100Mi minimum wins', 64 * Mi, {}, 164 * Mi],
    ['escalation after a kill at 176Mi', 176 * Mi, {}, 276 * Mi],
    ['at 500Mi both rules agree', 500 * Mi, {}, 600 * Mi],
    ['above 500Mi the 20 % wins', 1 * Gi, {}, Math.ceil(1.2 * Gi)],
    ['a used amount of 0 still bumps by the minimum', 0, {}, 100 * Mi],
    ['a fraction of a byte rounds up', 1, { ratio: 1.5, minBumpBytes: 0 }, 2],
    ['a custom ratio', 1 * Gi, { ratio: 2 }, 2 * Gi],
    ['a custom minimum: 64Mi + 16Mi beats 64Mi x 1.2', 64 * Mi, { minBumpBytes: 16 * Mi }, 80 * Mi],
    ['a small minimum: 64Mi x 1.2 beats 64Mi + 8Mi', 64 * Mi, { minBumpBytes: 8 * Mi }, Math.ceil(64 * Mi * 1.2)],
    ['ratio 1 and no minimum leave it as it is', 64 * Mi, { ratio: 1, minBumpBytes: 0 }, 64 * Mi],
  ])('%s', (_case, used, options, bytes) => {
    expect(bumpAfterOom(used, options)).toEqual({ ok: true, bytes });
  });
});

describe('bad input is a problem, never a throw', () => {
  test.each<[unknown, OomBumpOptions, RegExp]>([
    [-1, {}, /non-negative/],
    [NaN, {}, /got NaN/],
    [Infinity, {}, /finite/],
    ['64Mi', {}, /got 64Mi/],
    [64 * Mi, { ratio: 0.5 }, /at least 1 \(VPA uses 1.2\), got 0.5/],
    [64 * Mi, { ratio: NaN }, /ratio/],
    [64 * Mi, { minBumpBytes: -1 }, /minimum OOM bump/],
    [Number.MAX_SAFE_INTEGER, {}, /beyond/],
  ])('%p %p', (used, options, problem) => {
    const result = bumpAfterOom(used as number, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

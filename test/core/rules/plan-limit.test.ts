import { planLimit, type LimitPlanInput } from '../../../src/core/rules/plan-limit.js';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

const base: LimitPlanInput = { currentLimitBytes: 64 * Mi, peakBytes: null, headroom: 0.85, fallbackFactor: 2, maxBytes: 4 * Gi, roundToBytes: 16 * Mi };
const plan = (patch: Partial<LimitPlanInput>) => planLimit({ ...base, ...patch });

describe('proposals', () => {
  test.each<[string, Partial<LimitPlanInput>, string, string, 'evidence' | 'fallback', boolean]>([
    ['the seed: peak 96Mi', { peakBytes: 96 * Mi }, '128Mi', 'peak 96Mi / 0.85 headroom = 113Mi, rounded up to 128Mi', 'evidence', false],
    ['the seed without evidence', {}, '128Mi', 'no memory evidence: current limit 64Mi x 2 = 128Mi', 'fallback', false],
    ['a fallback that needs rounding', { currentLimitBytes: 100 * Mi }, '208Mi', 'no memory evidence: current limit 100Mi x 2 = 200Mi, rounded up to 208Mi', 'fallback', false],
    ['a fractional factor', { fallbackFactor: 1.5 }, '96Mi', 'no memory evidence: current limit 64Mi x 1.5 = 96Mi', 'fallback', false],
    ['evidence with no current limit', { currentLimitBytes: null, peakBytes: 200 * Mi }, '240Mi', 'peak 200Mi / 0.85 headroom = 235Mi, rounded up to 240Mi', 'evidence', false],
    ['a peak that is not a whole MiB', { peakBytes: 100_000_000 }, '128Mi', 'peak 95Mi / 0.85 headroom = 112Mi, rounded up to 128Mi', 'evidence', false],
    ['headroom 1 and an exact multiple', { peakBytes: 128 * Mi, headroom: 1 }, '128Mi', 'peak 128Mi / 1 headroom = 128Mi', 'evidence', false],
    ['no rounding', { peakBytes: 96 * Mi, roundToBytes: 0 }, '118427408', 'peak 96Mi / 0.85 headroom = 113Mi', 'evidence', false],
    ['capped', { currentLimitBytes: 3 * Gi }, '4Gi', 'no memory evidence: current limit 3Gi x 2 = 6Gi, capped at the maximum 4Gi', 'fallback', true],
    ['capped evidence', { peakBytes: 4 * Gi }, '4Gi', 'peak 4Gi / 0.85 headroom = 4819Mi, rounded up to 4832Mi, capped at the maximum 4Gi', 'evidence', true],
  ])('%s', (_case, patch, limit, rationale, basis, capped) => {
    const result = plan(patch);
    if (!result.ok) throw new Error(result.reason);
    expect(result).toEqual({ ok: true, limit, limitBytes: result.limitBytes, rationale, basis, capped });
    expect(result.limitBytes).toBeGreaterThan(patch.currentLimitBytes ?? base.currentLimitBytes ?? 0);
  });
});

describe('refusals say what to do', () => {
  test.each<[string, Partial<LimitPlanInput>, string]>([
    [
      'no limit and no evidence',
      { currentLimitBytes: null },
      "the container has no memory limit and there is no memory evidence: an OOM kill then comes from node memory pressure, not the container limit; check the node's memory, or measure the peak and set a limit by hand",
    ],
    ['already at the maximum', { currentLimitBytes: 4 * Gi }, 'the current limit 4Gi is already at or above the maximum 4Gi: raise OOM_CHECK_MAX_MEMORY_LIMIT or shrink the binary (see the build advice)'],
    ['above the maximum', { currentLimitBytes: 8 * Gi, peakBytes: 7 * Gi }, 'the current limit 8Gi is already at or above the maximum 4Gi: raise OOM_CHECK_MAX_MEMORY_LIMIT or shrink the binary (see the build advice)'],
    [
      'evidence below the current limit',
      { currentLimitBytes: 128 * Mi, peakBytes: 40 * Mi },
      'peak 40Mi / 0.85 headroom = 47Mi, rounded up to 48Mi, which is not above the current limit 128Mi: the measured peak missed what was killed; shrink the binary (see the build advice) or set a higher limit by hand',
    ],
    [
      'evidence equal to the current limit',
      { currentLimitBytes: 128 * Mi, peakBytes: 100 * Mi },
      'peak 100Mi / 0.85 headroom = 118Mi, rounded up to 128Mi, which is not above the current limit 128Mi: the measured peak missed what was killed; shrink the binary (see the build advice) or set a higher limit by hand',
    ],
  ])('%s', (_case, patch, reason) => {
    expect(plan(patch)).toEqual({ ok: false, reason });
  });
});

describe('inputs are validated', () => {
  test.each<[Partial<LimitPlanInput>, string]>([
    [{ headroom: 0 }, 'headroom must be above 0 and at most 1 (e.g. 0.85), got 0'],
    [{ headroom: 1.5 }, 'headroom must be above 0 and at most 1 (e.g. 0.85), got 1.5'],
    [{ headroom: NaN }, 'headroom must be above 0 and at most 1 (e.g. 0.85), got NaN'],
    [{ fallbackFactor: 1 }, 'fallbackFactor must be above 1 (e.g. 2), got 1'],
    [{ fallbackFactor: Infinity }, 'fallbackFactor must be above 1 (e.g. 2), got Infinity'],
    [{ maxBytes: 0 }, 'maxBytes must be a positive number of bytes, got 0'],
    [{ roundToBytes: -1 }, 'roundToBytes must be 0 or a positive number of bytes, got -1'],
    [{ currentLimitBytes: 0 }, 'currentLimitBytes must be a positive number of bytes or null, got 0'],
    [{ peakBytes: -5 }, 'peakBytes must be a positive number of bytes or null, got -5'],
  ])('%p', (patch, reason) => {
    expect(plan(patch)).toEqual({ ok: false, reason });
  });
});

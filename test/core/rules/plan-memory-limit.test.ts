import fc from 'fast-check';
import type { Evidence } from '../../../src/core/evidence.js';
import { planMemoryLimit, type MemoryLimitBasis, type MemoryLimitPlanInput } from '../../../src/core/rules/plan-memory-limit.js';
import { runs } from '../../properties/settings.js';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

const base: MemoryLimitPlanInput = {
  currentLimitBytes: 64 * Mi,
  currentRequestBytes: 32 * Mi,
  evidence: [],
  headroom: 0.85,
  oomBumpRatio: 1.2,
  oomMinBumpBytes: 100 * Mi,
  roundToBytes: 16 * Mi,
  maxBytes: 4 * Gi,
};
const plan = (patch: Partial<MemoryLimitPlanInput>) => planMemoryLimit({ ...base, ...patch });

const prometheus = (bytes: number): Evidence => ({ source: 'prometheus', kind: 'measured-peak', bytes, detail: 'max_over_time(container_memory_working_set_bytes[7d])' });
const cgroupBound = (bytes: number): Evidence => ({ source: 'cgroup', kind: 'lower-bound', bytes, detail: 'memory.peak of a cgroup that hit memory.max' });
const kernel = (bytes: number): Evidence => ({ source: 'kernel', kind: 'lower-bound', bytes, detail: 'anon-rss + file-rss + shmem-rss at the kill' });
const rss = (bytes: number): Evidence => ({ source: 'rss-sample', kind: 'measured-peak', bytes, detail: 'smaps Rss every 100 ms' });
const killAt = (bytes: number, text: string): Evidence => ({ source: 'oom-kill', kind: 'lower-bound', bytes, detail: `the OOM kill at the ${text} limit: it needed more than that` });

describe('proposals', () => {
  test.each<[string, Partial<MemoryLimitPlanInput>, string, MemoryLimitBasis, string, Evidence | null]>([
    ['the seed: Prometheus peak 96Mi', { evidence: [prometheus(96 * Mi)] }, '128Mi', 'measured-peak', 'measured peak 96Mi (Prometheus) / 0.85 = 113Mi, rounded up to 128Mi', prometheus(96 * Mi)],
    [
      'the seed without evidence',
      {},
      '176Mi',
      'no-evidence',
      "no memory evidence; the kill proves it needed more than 64Mi: VPA's bump after an OOM kill, max(64Mi x 1.2, 64Mi + 100Mi) = 164Mi, rounded up to 176Mi",
      null,
    ],
    [
      'escalation: killed again at 176Mi',
      { currentLimitBytes: 176 * Mi, currentRequestBytes: 32 * Mi },
      '288Mi',
      'no-evidence',
      "no memory evidence; the kill proves it needed more than 176Mi: VPA's bump after an OOM kill, max(176Mi x 1.2, 176Mi + 100Mi) = 276Mi, rounded up to 288Mi",
      null,
    ],
    [
      'escalation: killed again at 128Mi after the peak proposal',
      { currentLimitBytes: 128 * Mi, evidence: [prometheus(96 * Mi)] },
      '240Mi',
      'lower-bound',
      "the kill proves it needed more than 128Mi: VPA's bump after an OOM kill, max(128Mi x 1.2, 128Mi + 100Mi) = 228Mi, rounded up to 240Mi",
      killAt(128 * Mi, '128Mi'),
    ],
    [
      'above 500Mi the 20 % wins',
      { currentLimitBytes: 1 * Gi },
      '1232Mi',
      'no-evidence',
      "no memory evidence; the kill proves it needed more than 1Gi: VPA's bump after an OOM kill, max(1Gi x 1.2, 1Gi + 100Mi) = 1229Mi, rounded up to 1232Mi",
      null,
    ],
    [
      'a lower bound above the limit (another run) beats the kill',
      { evidence: [cgroupBound(200 * Mi)] },
      '304Mi',
      'lower-bound',
      "lower bound 200Mi (cgroup memory files), so it needed more than 200Mi: VPA's bump after an OOM kill, max(200Mi x 1.2, 200Mi + 100Mi) = 300Mi, rounded up to 304Mi",
      cgroupBound(200 * Mi),
    ],
    [
      'a lower bound equal to the limit is kept as the evidence',
      { evidence: [cgroupBound(64 * Mi)] },
      '176Mi',
      'lower-bound',
      "lower bound 64Mi (cgroup memory files), so it needed more than 64Mi: VPA's bump after an OOM kill, max(64Mi x 1.2, 64Mi + 100Mi) = 164Mi, rounded up to 176Mi",
      cgroupBound(64 * Mi),
    ],
    [
      "the kernel's RSS at the kill is below the limit: the kill is the bound",
      { evidence: [kernel(60 * Mi)] },
      '176Mi',
      'lower-bound',
      "the kill proves it needed more than 64Mi: VPA's bump after an OOM kill, max(64Mi x 1.2, 64Mi + 100Mi) = 164Mi, rounded up to 176Mi",
      killAt(64 * Mi, '64Mi'),
    ],
    ['the largest of two peaks', { evidence: [prometheus(96 * Mi), rss(150 * Mi)] }, '192Mi', 'measured-peak', 'measured peak 150Mi (RSS samples) / 0.85 = 176Mi, rounded up to 192Mi', rss(150 * Mi)],
    ['a peak beats a lower bound below it', { evidence: [cgroupBound(100 * Mi), prometheus(200 * Mi)] }, '240Mi', 'measured-peak', 'measured peak 200Mi (Prometheus) / 0.85 = 235Mi, rounded up to 240Mi', prometheus(200 * Mi)],
    [
      'a peak below a lower bound cannot be the peak',
      { evidence: [prometheus(150 * Mi), cgroupBound(200 * Mi)] },
      '304Mi',
      'lower-bound',
      "lower bound 200Mi (cgroup memory files), so it needed more than 200Mi: VPA's bump after an OOM kill, max(200Mi x 1.2, 200Mi + 100Mi) = 300Mi, rounded up to 304Mi",
      cgroupBound(200 * Mi),
    ],
    ['no limit: a peak alone decides', { currentLimitBytes: null, currentRequestBytes: null, evidence: [prometheus(200 * Mi)] }, '240Mi', 'measured-peak', 'measured peak 200Mi (Prometheus) / 0.85 = 235Mi, rounded up to 240Mi', prometheus(200 * Mi)],
    [
      'no limit: a lower bound alone decides',
      { currentLimitBytes: null, currentRequestBytes: null, evidence: [kernel(60 * Mi)] },
      '160Mi',
      'lower-bound',
      "lower bound 60Mi (the kernel's OOM report), so it needed more than 60Mi: VPA's bump after an OOM kill, max(60Mi x 1.2, 60Mi + 100Mi) = 160Mi",
      kernel(60 * Mi),
    ],
    [
      'the headroom floor wins when the bump is small',
      { oomBumpRatio: 1, oomMinBumpBytes: 0 },
      '80Mi',
      'no-evidence',
      "no memory evidence; the kill proves it needed more than 64Mi: VPA's bump after an OOM kill, max(64Mi x 1, 64Mi + 0) = 64Mi; at least 64Mi / 0.85 = 75Mi, rounded up to 80Mi",
      null,
    ],
    ['no rounding', { evidence: [prometheus(96 * Mi)], roundToBytes: 0 }, '118427408', 'measured-peak', 'measured peak 96Mi (Prometheus) / 0.85 = 113Mi', prometheus(96 * Mi)],
    [
      'capped',
      { currentLimitBytes: 3584 * Mi, currentRequestBytes: null },
      '4Gi',
      'no-evidence',
      "no memory evidence; the kill proves it needed more than 3584Mi: VPA's bump after an OOM kill, max(3584Mi x 1.2, 3584Mi + 100Mi) = 4301Mi, rounded up to 4304Mi, capped at the maximum 4Gi",
      null,
    ],
    ['capped evidence', { evidence: [prometheus(4 * Gi)] }, '4Gi', 'measured-peak', 'measured peak 4Gi (Prometheus) / 0.85 = 4819Mi, rounded up to 4832Mi, capped at the maximum 4Gi', prometheus(4 * Gi)],
  ])('%s', (_case, patch, limit, basis, rule, used) => {
    const result = plan(patch);
    if (!result.ok) throw new Error(result.reason);
    expect({ limit: result.limit, basis: result.basis, rule: result.rule, used: result.used }).toEqual({ limit, basis, rule, used });
    expect(result.capped).toBe(rule.includes('capped'));
    expect(result.limitBytes).toBeGreaterThan(patch.currentLimitBytes === undefined ? (base.currentLimitBytes ?? 0) : (patch.currentLimitBytes ?? 0));
  });
});

describe('what was not used is named', () => {
  test.each<[string, Evidence[], string[]]>([
    ['a peak below the limit', [prometheus(40 * Mi)], ['measured peak 40Mi (Prometheus) is not above the 64Mi limit the container was killed at, so it cannot explain the kill: not used as a peak']],
    ['a peak at the limit', [prometheus(64 * Mi)], ['measured peak 64Mi (Prometheus) is not above the 64Mi limit the container was killed at, so it cannot explain the kill: not used as a peak']],
    ['a peak below a lower bound', [prometheus(150 * Mi), cgroupBound(200 * Mi)], ['measured peak 150Mi (Prometheus) is not above the lower bound 200Mi (cgroup memory files), so it cannot explain the kill: not used as a peak']],
    ['a lower bound below the kill', [kernel(60 * Mi)], ["lower bound 60Mi (the kernel's OOM report) is below the 64Mi limit the container was killed at: the kill is the stronger lower bound"]],
  ])('%s', (_case, evidence, notes) => {
    const result = plan({ evidence });
    expect(result.ok && result.notes).toEqual(notes);
  });

  test('garbage evidence is skipped, named, and the plan goes on as without evidence', () => {
    const evidence = [null, {}, 'x', { source: 'prometheus', kind: 'measured-peak', bytes: -1, detail: '' }, { source: 'gossip', kind: 'measured-peak', bytes: 1 }, { source: 'cgroup', kind: 'maybe', bytes: 5 }, prometheus(NaN)];
    const result = plan({ evidence: evidence as unknown as Evidence[] });
    if (!result.ok) throw new Error(result.reason);
    expect(result.limit).toBe('176Mi');
    expect(result.basis).toBe('no-evidence');
    expect(result.notes).toHaveLength(7);
    expect(result.notes[0]).toBe('skipped evidence that is not a usable reading (it needs a known source and kind and a positive number of bytes): null');
  });
});

describe('the request goes with the limit', () => {
  test.each<[string, Partial<MemoryLimitPlanInput>, number | null, string | null]>([
    ['a request below the limit stays', {}, 32 * Mi, null],
    ['Guaranteed (request = limit) rises with it', { currentRequestBytes: 64 * Mi }, 176 * Mi, 'request = limit (Guaranteed for this container): the request rises with the limit to 176Mi, and the scheduler and quota count that'],
    ['no request: Kubernetes uses the limit', { currentRequestBytes: null }, null, 'no memory request is written, so Kubernetes sets it to the limit: the pod will request 176Mi, and the scheduler and quota count that'],
    ['no limit and no request', { currentLimitBytes: null, currentRequestBytes: null, evidence: [prometheus(96 * Mi)] }, null, null],
    [
      'no limit and a request above the new limit: lowered',
      { currentLimitBytes: null, currentRequestBytes: 256 * Mi, evidence: [prometheus(96 * Mi)] },
      128 * Mi,
      'the request 256Mi is above the new limit 128Mi, which Kubernetes refuses: it is lowered to 128Mi',
    ],
    ['a request of 0 stays 0', { currentRequestBytes: 0 }, 0, null],
  ])('%s', (_case, patch, requestBytes, requestNote) => {
    const result = plan(patch);
    if (!result.ok) throw new Error(result.reason);
    expect({ requestBytes: result.requestBytes, requestNote: result.requestNote }).toEqual({ requestBytes, requestNote });
  });
});

describe('refusals say what to do', () => {
  test.each<[string, Partial<MemoryLimitPlanInput>, string]>([
    [
      'no limit and no evidence',
      { currentLimitBytes: null },
      "the container has no memory limit and there is no memory evidence: an OOM kill then comes from node memory pressure, not the container limit; check the node's memory, or measure the peak and set a limit by hand",
    ],
    ['already at the maximum', { currentLimitBytes: 4 * Gi }, 'the current limit 4Gi is already at or above the maximum 4Gi: raise OOM_CHECK_MAX_MEMORY_LIMIT or shrink the binary (see the build advice)'],
    ['above the maximum, with evidence', { currentLimitBytes: 8 * Gi, evidence: [prometheus(9 * Gi)] }, 'the current limit 8Gi is already at or above the maximum 4Gi: raise OOM_CHECK_MAX_MEMORY_LIMIT or shrink the binary (see the build advice)'],
    [
      'settings that do not raise the limit',
      { headroom: 1, oomBumpRatio: 1, oomMinBumpBytes: 0 },
      "no memory evidence; the kill proves it needed more than 64Mi: VPA's bump after an OOM kill, max(64Mi x 1, 64Mi + 0) = 64Mi, which is not above the current limit 64Mi: a proposal must raise the limit to fix an OOM kill; check the bump settings or set a higher limit by hand",
    ],
  ])('%s', (_case, patch, reason) => {
    expect(plan(patch)).toEqual({ ok: false, reason });
  });
});

describe('inputs are validated', () => {
  test.each<[Partial<MemoryLimitPlanInput>, string]>([
    [{ headroom: 0 }, 'headroom must be above 0 and at most 1 (e.g. 0.85), got 0'],
    [{ headroom: 1.5 }, 'headroom must be above 0 and at most 1 (e.g. 0.85), got 1.5'],
    [{ headroom: NaN }, 'headroom must be above 0 and at most 1 (e.g. 0.85), got NaN'],
    [{ oomBumpRatio: 0.9 }, 'oomBumpRatio must be at least 1 (VPA uses 1.2), got 0.9'],
    [{ oomBumpRatio: Infinity }, 'oomBumpRatio must be at least 1 (VPA uses 1.2), got Infinity'],
    [{ oomMinBumpBytes: -1 }, 'oomMinBumpBytes must be 0 or a positive number of bytes (VPA uses 100Mi), got -1'],
    [{ maxBytes: 0 }, 'maxBytes must be a positive number of bytes, got 0'],
    [{ roundToBytes: -1 }, 'roundToBytes must be 0 or a positive number of bytes, got -1'],
    [{ currentLimitBytes: 0 }, 'currentLimitBytes must be a positive number of bytes or null, got 0'],
    [{ currentRequestBytes: -5 }, 'currentRequestBytes must be a number of bytes or null, got -5'],
    [{ evidence: 'none' as unknown as Evidence[] }, 'evidence must be a list (empty when nothing was measured)'],
  ])('%p', (patch, reason) => {
    expect(plan(patch)).toEqual({ ok: false, reason });
  });
});

describe('properties', () => {
  const evidence = fc.record({
    source: fc.constantFrom('prometheus', 'go-runtime', 'cgroup', 'kernel', 'rss-sample', 'oom-kill') as fc.Arbitrary<Evidence['source']>,
    kind: fc.constantFrom('measured-peak', 'lower-bound') as fc.Arbitrary<Evidence['kind']>,
    bytes: fc.integer({ min: 1, max: 16 * Gi }),
    detail: fc.constant('generated'),
  });
  const input = fc.record({
    currentLimitBytes: fc.option(fc.integer({ min: 1, max: 8 * Gi })),
    currentRequestBytes: fc.option(fc.integer({ min: 0, max: 8 * Gi })),
    evidence: fc.array(fc.oneof(evidence, fc.anything() as fc.Arbitrary<Evidence>), { maxLength: 6 }),
    headroom: fc.double({ min: 0.5, max: 1, noNaN: true }),
    oomBumpRatio: fc.double({ min: 1, max: 3, noNaN: true }),
    oomMinBumpBytes: fc.integer({ min: 0, max: 512 * Mi }),
    roundToBytes: fc.constantFrom(0, Mi, 16 * Mi),
    maxBytes: fc.integer({ min: 1, max: 16 * Gi }),
  });

  test('a proposal is above the current limit, within the cap, rounded unless capped, and its request within it', () => {
    fc.assert(
      fc.property(input, (i) => {
        const result = planMemoryLimit(i);
        if (!result.ok) {
          expect(result.reason).toEqual(expect.any(String));
          return;
        }
        if (i.currentLimitBytes !== null) expect(result.limitBytes).toBeGreaterThan(i.currentLimitBytes);
        expect(result.limitBytes).toBeLessThanOrEqual(i.maxBytes);
        if (!result.capped && i.roundToBytes > 0) expect(result.limitBytes % i.roundToBytes).toBe(0);
        if (result.requestBytes !== null) expect(result.requestBytes).toBeLessThanOrEqual(result.limitBytes);
        if (result.basis === 'measured-peak') expect(result.used?.kind).toBe('measured-peak');
      }),
      runs(400),
    );
  });

  test('with the cap out of reach, a refusal only happens without limit and evidence', () => {
    fc.assert(
      fc.property(input, (i) => {
        const result = planMemoryLimit({ ...i, maxBytes: 64 * Gi, oomBumpRatio: Math.max(i.oomBumpRatio, 1.01) });
        expect(result.ok || (i.currentLimitBytes === null && !i.evidence.some((e) => typeof e === 'object' && e !== null && 'detail' in e && e.detail === 'generated'))).toBe(true);
      }),
      runs(300),
    );
  });
});

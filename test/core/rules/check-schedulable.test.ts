import fc from 'fast-check';
import { checkSchedulable, type ScheduleCheckInput } from '../../../src/core/rules/check-schedulable.js';
import type { SchedulingPodSpec } from '../../../src/core/rules/effective-pod-request.js';
import { runs } from '../../properties/settings.js';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

const seedSpec: SchedulingPodSpec = {
  initContainers: [{ name: 'migrate', resources: { limits: { memory: '64Mi' }, requests: { memory: '32Mi' } } }],
  containers: [{ name: 'app', resources: { limits: { memory: '256Mi' }, requests: { memory: '128Mi' } } }],
};

/** The seed's patch: migrate 64Mi -> 176Mi, request 32Mi kept; two roomy nodes; nothing else. */
const base: ScheduleCheckInput = {
  podSpec: seedSpec,
  container: { kind: 'init', name: 'migrate' },
  newLimitBytes: 176 * Mi,
  newRequestBytes: 32 * Mi,
  replicas: 3,
  nodes: [
    { name: 'node-a', allocatableBytes: 4 * Gi, requestedBytes: 3 * Gi },
    { name: 'node-b', allocatableBytes: 8 * Gi, requestedBytes: 7 * Gi },
  ],
  quotas: [],
  limitRanges: [],
  maxBytes: 4 * Gi,
  roundToBytes: 16 * Mi,
};
const check = (patch: Partial<ScheduleCheckInput>) => checkSchedulable({ ...base, ...patch });
/** Guaranteed at 512Mi: the init container now decides the pod's request (512Mi instead of 128Mi). */
const guaranteed512: Partial<ScheduleCheckInput> = { newLimitBytes: 512 * Mi, newRequestBytes: 512 * Mi };
const tightNodes = [
  { name: 'node-a', allocatableBytes: 4 * Gi, requestedBytes: 4 * Gi - 256 * Mi },
  { name: 'node-b', allocatableBytes: 8 * Gi, requestedBytes: 8 * Gi - 300 * Mi },
];

describe('verdicts', () => {
  test.each<[string, Partial<ScheduleCheckInput>, boolean, number, string[], number | null]>([
    ["the seed's patch: the app still sets the pod's request, nothing bounds the init limit but the cap", {}, true, 2, [], 4 * Gi],
    ['Guaranteed 512Mi fits both roomy nodes; the largest is where the nodes run out', guaranteed512, true, 2, [], 1 * Gi],
    [
      'no node has room',
      { ...guaranteed512, nodes: tightNodes },
      false,
      0,
      ['no node can take the pod: it would request 512Mi (128Mi now); the most room is on node node-b, 300Mi (allocatable 8Gi, 7892Mi requested)'],
      288 * Mi,
    ],
    [
      'a requests.memory quota: the increase x replicas does not fit',
      { ...guaranteed512, quotas: [{ name: 'team-quota', hard: { 'requests.memory': 2 * Gi }, used: { 'requests.memory': 1536 * Mi } }] },
      false,
      2,
      ['ResourceQuota team-quota: requests.memory would reach 2688Mi (1536Mi used + 3 x 384Mi more per pod), above its hard 2Gi'],
      288 * Mi,
    ],
    [
      'a limits.memory quota counts the pod limit',
      { ...guaranteed512, quotas: [{ name: 'team-quota', hard: { 'limits.memory': 1 * Gi }, used: { 'limits.memory': 768 * Mi } }] },
      false,
      2,
      ['ResourceQuota team-quota: limits.memory would reach 1536Mi (768Mi used + 3 x 256Mi more per pod), above its hard 1Gi'],
      336 * Mi,
    ],
    [
      'a plain "memory" quota means requests',
      { ...guaranteed512, quotas: [{ name: 'old-style', hard: { memory: 1 * Gi }, used: { memory: 1 * Gi } }] },
      false,
      2,
      ['ResourceQuota old-style: memory would reach 2176Mi (1Gi used + 3 x 384Mi more per pod), above its hard 1Gi'],
      // up to 128Mi the app container still sets the pod's request, so a full quota has room for that
      128 * Mi,
    ],
    ['the seed patch passes a full quota: it adds nothing to the pod', { quotas: [{ name: 'full', hard: { 'requests.memory': 1 * Gi, 'limits.memory': 1 * Gi }, used: { 'requests.memory': 1 * Gi, 'limits.memory': 1 * Gi } }] }, true, 2, [], 256 * Mi],
    ['replicas 0: the quota is not touched', { ...guaranteed512, replicas: 0, quotas: [{ name: 'full', hard: { 'requests.memory': 1 * Gi }, used: { 'requests.memory': 1 * Gi } }] }, true, 2, [], 1 * Gi],
    [
      'a LimitRange max',
      { ...guaranteed512, limitRanges: [{ name: 'limits', containerMaxBytes: 256 * Mi }] },
      false,
      2,
      ['LimitRange limits: maximum memory usage per Container is 256Mi, but the limit would be 512Mi'],
      256 * Mi,
    ],
    [
      'a LimitRange ratio against the kept request',
      { limitRanges: [{ name: 'ratio', maxLimitRequestRatio: 4 }] },
      false,
      2,
      ['LimitRange ratio: memory max limit to request ratio per Container is 4, but limit 176Mi / request 32Mi would be 5.50'],
      128 * Mi,
    ],
    [
      'a LimitRange min no limit can fix: the request is kept',
      { limitRanges: [{ name: 'floor', containerMinBytes: 64 * Mi }] },
      false,
      2,
      ['LimitRange floor: minimum memory usage per Container is 64Mi, but the request would be 32Mi'],
      null,
    ],
    ['a LimitRange min met by a request that follows the limit', { newRequestBytes: null, limitRanges: [{ name: 'floor', containerMinBytes: 64 * Mi }] }, true, 2, [], 1 * Gi],
    ['a request of 0 against a ratio', { newRequestBytes: 0, limitRanges: [{ name: 'ratio', maxLimitRequestRatio: 4 }] }, false, 2, ['LimitRange ratio: memory max limit to request ratio per Container is 4, but the request would be 0'], null],
    ['no node listed', { nodes: [] }, false, 0, ['no node was listed, so no node can take the pod'], null],
    ['the cap at the current limit: nothing larger is allowed', { maxBytes: 64 * Mi }, true, 2, [], null],
  ])('%s', (_case, patch, fits, fitsNodes, problems, largest) => {
    const result = check(patch);
    expect({ fits: result.fits, fitsNodes: result.fitsNodes, problems: result.problems, largestThatFits: result.largestThatFits }).toEqual({ fits, fitsNodes, problems, largestThatFits: largest });
    expect(result.totalNodes).toBe(Array.isArray(patch.nodes) ? patch.nodes.length : 2);
  });
});

describe('a rollout that surges (maxUnavailable 0) keeps the old pod until the new one runs', () => {
  const quota = [{ name: 'team-quota', hard: { 'requests.memory': 2 * Gi }, used: { 'requests.memory': 1280 * Mi } }];

  test('the quota refuses its surge pod for good: a problem, not a note', () => {
    const result = check({ ...guaranteed512, replicas: 2, quotas: quota, surgeFirst: true });
    expect(result.fits).toBe(false);
    expect(result.problems).toEqual([
      'ResourceQuota team-quota: the rollout starts each new pod before it stops an old one (maxUnavailable 0) and would need 2176Mi of requests.memory, above its hard 2Gi: admission refuses the new pod and the rollout stalls',
    ]);
  });

  test("on a node holding one of the workload's pods: stopping first frees its request, surging does not", () => {
    const nodes = [{ name: 'node-a', allocatableBytes: 1 * Gi, requestedBytes: 640 * Mi, ownPods: 1 }];
    // before: max(init 32Mi, app 128Mi) = 128Mi; after, Guaranteed 512Mi: 512Mi. Free: 384Mi, or 512Mi once the old pod stops.
    expect(check({ ...guaranteed512, replicas: 1, nodes, surgeFirst: false })).toMatchObject({ fits: true, fitsNodes: 1 });
    expect(check({ ...guaranteed512, replicas: 1, nodes, surgeFirst: true })).toMatchObject({ fits: false, fitsNodes: 0 });
    expect(check({ ...guaranteed512, replicas: 1, nodes: [{ ...nodes[0]!, ownPods: 0 }], surgeFirst: false })).toMatchObject({ fits: false });
  });
});

describe('notes that do not refuse', () => {
  test('a rolling update that does not fit the quota for a moment', () => {
    const result = check({ ...guaranteed512, replicas: 2, quotas: [{ name: 'team-quota', hard: { 'requests.memory': 2 * Gi }, used: { 'requests.memory': 1280 * Mi } }] });
    expect(result.fits).toBe(true);
    expect(result.notes).toEqual([
      'ResourceQuota team-quota: a rolling update briefly runs an old and a new pod side by side and needs 2176Mi of requests.memory, above its hard 2Gi: new pods will wait for old ones to stop',
    ]);
  });

  test('nodes that could not be read are skipped and said so', () => {
    const result = check({ nodes: null });
    expect(result).toMatchObject({ fits: true, fitsNodes: 0, totalNodes: 0, problems: [], notes: ['the nodes could not be read, so node capacity was not checked'] });
  });

  test('before and after are returned for the card', () => {
    const result = check(guaranteed512);
    expect([result.before?.requestBytes, result.after?.requestBytes, result.before?.limitBytes, result.after?.limitBytes]).toEqual([128 * Mi, 512 * Mi, 256 * Mi, 512 * Mi]);
  });

  test('a limits.memory quota refuses a container without a limit', () => {
    const spec: SchedulingPodSpec = { ...seedSpec, containers: [...seedSpec.containers, { name: 'cache', resources: { requests: { memory: '16Mi' } } }] };
    const result = check({ podSpec: spec, quotas: [{ name: 'team-quota', hard: { 'limits.memory': 8 * Gi }, used: {} }] });
    expect(result.problems).toEqual(['ResourceQuota team-quota sets limits.memory, so every container needs a memory limit; these have none: container cache']);
  });

  test('an unreadable quantity in the spec is a note', () => {
    const spec: SchedulingPodSpec = { ...seedSpec, overhead: { memory: 'lots' } };
    expect(check({ podSpec: spec }).notes).toEqual(['spec.overhead.memory "lots" is not a quantity; counted as none']);
  });
});

describe('bad input is a problem, never a throw', () => {
  test.each<[string, unknown, string[]]>([
    ['no such container', { container: { kind: 'init', name: 'nope' } }, ['the pod spec has no init container named "nope"']],
    ['a spec that is not one', { podSpec: 'pod' }, ['the pod spec has no list of containers: its memory cannot be computed']],
    ['a limit that is not bytes', { newLimitBytes: NaN }, ['the new limit must be a positive whole number of bytes, got NaN']],
    ['a negative request', { newRequestBytes: -1 }, ['the new request must be a whole number of bytes or null, got -1']],
    ['replicas that are not a count', { replicas: 1.5 }, ['replicas must be a whole number of at least 0, got 1.5']],
    ['no cap', { maxBytes: 0 }, ['maxBytes must be a positive whole number of bytes, got 0']],
    ['nodes that are not a list', { nodes: 'all' }, ['nodes must be a list, or null when they could not be read']],
    ['a node without numbers', { nodes: [{ name: 'x', allocatableBytes: '4Gi' }] }, ['node x: allocatable and requested memory must be numbers of bytes']],
    ['a quota without numbers', { quotas: [{ name: 'q', hard: { 'requests.memory': '1Gi' }, used: {} }] }, ['ResourceQuota q: hard and used memory must be numbers of bytes']],
    ['a LimitRange without numbers', { limitRanges: [{ name: 'l', containerMaxBytes: -5 }] }, ['LimitRange l: max, min and ratio must be non-negative numbers']],
  ])('%s', (_case, patch, problems) => {
    const result = check(patch as Partial<ScheduleCheckInput>);
    expect(result.fits).toBe(false);
    expect(result.problems).toEqual(problems);
    expect(result.largestThatFits).toBeNull();
  });

  test('not an input at all', () => {
    expect(checkSchedulable(null as unknown as ScheduleCheckInput).problems).toEqual(['the input is not a schedule check']);
  });
});

describe('properties', () => {
  const mib = (max: number) => fc.integer({ min: 0, max }).map((n) => n * Mi);
  const input = fc.record({
    newLimitBytes: mib(2048).map((n) => n + 65 * Mi),
    request: fc.constantFrom('kept', 'follows', 'unset'),
    replicas: fc.integer({ min: 0, max: 5 }),
    nodes: fc.option(fc.array(fc.record({ name: fc.constant('n'), allocatableBytes: mib(4096), requestedBytes: mib(2048) }), { maxLength: 3 })),
    quotas: fc.array(fc.record({ name: fc.constant('q'), hard: fc.record({ 'requests.memory': mib(8192), 'limits.memory': mib(8192) }, { requiredKeys: [] }), used: fc.record({ 'requests.memory': mib(4096), 'limits.memory': mib(4096) }, { requiredKeys: [] }) }), { maxLength: 2 }),
    limitRanges: fc.array(fc.record({ name: fc.constant('l'), containerMaxBytes: mib(4096), containerMinBytes: mib(128), maxLimitRequestRatio: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ['name'] }), { maxLength: 2 }),
  });

  test('the largest that fits passes every check, is above the current limit and within the cap', () => {
    fc.assert(
      fc.property(input, ({ request, ...i }) => {
        const newRequestBytes = request === 'kept' ? 32 * Mi : request === 'follows' ? i.newLimitBytes : null;
        const result = checkSchedulable({ ...base, ...i, newRequestBytes });
        expect(result.fits).toBe(result.problems.length === 0);
        const largest = result.largestThatFits;
        if (largest === null) return;
        expect(largest).toBeGreaterThan(64 * Mi);
        expect(largest).toBeLessThanOrEqual(base.maxBytes);
        expect(largest % (16 * Mi)).toBe(0);
        const atLargest = request === 'kept' ? Math.min(32 * Mi, largest) : request === 'follows' ? largest : null;
        expect(checkSchedulable({ ...base, ...i, newLimitBytes: largest, newRequestBytes: atLargest }).problems).toEqual([]);
      }),
      runs(150),
    );
  });
});

import { effectivePodRequest, type SchedulingContainer, type SchedulingPodSpec } from '../../../src/core/rules/effective-pod-request.js';
import { effectivePodRequestWith } from '../../../src/core/rules/effective-pod-request-with.js';

const Mi = 1024 ** 2;

/** A container with a memory limit and/or request in MiB; `sidecar` sets restartPolicy: Always. */
function c(name: string, limit?: number, request?: number, sidecar = false): SchedulingContainer {
  const limits = limit === undefined ? undefined : { memory: `${limit}Mi`, cpu: '500m' };
  const requests = request === undefined ? undefined : { memory: `${request}Mi` };
  return { name, ...(limits || requests ? { resources: { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) } } : {}), ...(sidecar ? { restartPolicy: 'Always' } : {}) };
}
const sidecar = (name: string, limit?: number, request?: number) => c(name, limit, request, true);

const seed: SchedulingPodSpec = { initContainers: [c('migrate', 64, 32)], containers: [c('app', 256, 128)] };

describe('the effective memory request and limit', () => {
  test.each<[string, SchedulingPodSpec, number, number, string[]]>([
    ['the seed: the app outweighs the init container', seed, 128, 256, []],
    ['a larger init container sets the request', { initContainers: [c('migrate', 512, 512)], containers: [c('app', 256, 128)] }, 512, 512, []],
    ['only limits: requests default to them', { containers: [c('app', 256)] }, 256, 256, []],
    ['app containers are summed', { containers: [c('app', 256, 128), c('proxy', 64, 64)] }, 192, 320, []],
    ['init containers are not summed, the largest counts', { initContainers: [c('a', 300, 300), c('b', 200, 200)], containers: [c('app', 100, 100)] }, 300, 300, []],
    ['a sidecar is added to the app sum', { initContainers: [sidecar('log', 50, 50)], containers: [c('app', 100, 100)] }, 150, 150, []],
    ['an init container after a sidecar runs beside it', { initContainers: [sidecar('log', 50, 50), c('migrate', 200, 200)], containers: [c('app', 100, 100)] }, 250, 250, []],
    ['an init container before a sidecar runs alone', { initContainers: [c('migrate', 200, 200), sidecar('log', 50, 50)], containers: [c('app', 100, 100)] }, 200, 200, []],
    [
      'sidecars accumulate in order',
      { initContainers: [sidecar('s1', 10, 10), c('i1', 100, 100), sidecar('s2', 20, 20), c('i2', 50, 50)], containers: [c('app', 30, 30)] },
      110,
      110,
      [],
    ],
    ['overhead is added to both', { ...seed, overhead: { memory: '10Mi', cpu: '250m' } }, 138, 266, []],
    ['overhead is not added to a limit that is not set', { containers: [c('app', undefined, 128)], overhead: { memory: '10Mi' } }, 138, 0, ['container app']],
    ['a container without a limit adds nothing to the limit', { containers: [c('app', 100, 100), c('cache', undefined, 64)] }, 164, 100, ['container cache']],
    ['no resources at all', { initContainers: [c('migrate')], containers: [c('app')] }, 0, 0, ['container app', 'init container migrate']],
    ['a sidecar without a limit is named as one', { initContainers: [sidecar('log', undefined, 20)], containers: [c('app', 100, 100)] }, 120, 100, ['sidecar container log']],
    ['an init container without a limit: the app limit stands', { initContainers: [c('migrate', undefined, 500)], containers: [c('app', 256, 128)] }, 500, 256, ['init container migrate']],
  ])('%s', (_case, spec, request, limit, unlimited) => {
    expect(effectivePodRequest(spec)).toEqual({ requestBytes: request * Mi, limitBytes: limit * Mi, unlimited, problems: [] });
  });
});

describe('bad input is reported, never thrown', () => {
  test.each<[string, unknown, number, string[]]>([
    ['not a spec', null, 0, ['the pod spec has no list of containers: its memory cannot be computed']],
    ['containers not a list', { containers: 'app' }, 0, ['the pod spec has no list of containers: its memory cannot be computed']],
    [
      'an unreadable quantity counts as unset',
      { containers: [{ name: 'app', resources: { limits: { memory: '64MB' }, requests: { memory: '32Mi' } } }] },
      32 * Mi,
      ['container app: resources.limits.memory "64MB" is not a quantity; counted as unset'],
    ],
    ['an unreadable overhead counts as none', { containers: [c('app', 64, 64)], overhead: { memory: 'lots' } }, 64 * Mi, ['spec.overhead.memory "lots" is not a quantity; counted as none']],
    ['garbage entries are skipped', { containers: [null, 7, { resources: { requests: { memory: 12 } } }], initContainers: 'x' }, 12, []],
  ])('%s', (_case, spec, request, problems) => {
    const result = effectivePodRequest(spec as SchedulingPodSpec);
    expect(result.requestBytes).toBe(request);
    expect(result.problems).toEqual(problems);
  });
});

describe('with one container replaced', () => {
  test.each<[string, SchedulingPodSpec, 'init' | 'app', string, number | null, number | null, [number, number], [number, number]]>([
    ['the seed at 176Mi: the app still decides', seed, 'init', 'migrate', 176, 32, [128, 256], [128, 256]],
    ['the seed at 512Mi, Guaranteed: the init container decides', seed, 'init', 'migrate', 512, 512, [128, 256], [512, 512]],
    ['an app container raised', seed, 'app', 'app', 512, 256, [128, 256], [256, 512]],
    ['the request removed: it defaults to the new limit', seed, 'init', 'migrate', 300, null, [128, 256], [300, 300]],
    ['beside a sidecar', { initContainers: [sidecar('log', 50, 50), c('migrate', 64, 32)], containers: [c('app', 100, 100)] }, 'init', 'migrate', 176, 176, [150, 150], [226, 226]],
  ])('%s', (_case, spec, kind, name, limit, request, [requestBefore, limitBefore], [requestAfter, limitAfter]) => {
    const result = effectivePodRequestWith(spec, { kind, name }, { limitBytes: limit === null ? null : limit * Mi, requestBytes: request === null ? null : request * Mi });
    if (!result.ok) throw new Error(result.problem);
    expect([result.before.requestBytes, result.before.limitBytes]).toEqual([requestBefore * Mi, limitBefore * Mi]);
    expect([result.after.requestBytes, result.after.limitBytes]).toEqual([requestAfter * Mi, limitAfter * Mi]);
  });

  test('the spec passed in is not changed', () => {
    const result = effectivePodRequestWith(seed, { kind: 'init', name: 'migrate' }, { limitBytes: 176 * Mi, requestBytes: 32 * Mi });
    expect(result.ok).toBe(true);
    expect(seed.initContainers?.[0]?.resources?.limits).toEqual({ memory: '64Mi', cpu: '500m' });
  });

  test.each<[string, unknown, unknown, unknown, string]>([
    ['no such container', seed, { kind: 'init', name: 'app' }, { limitBytes: 1, requestBytes: 1 }, 'the pod spec has no init container named "app"'],
    ['no such app container', seed, { kind: 'app', name: 'migrate' }, { limitBytes: 1, requestBytes: 1 }, 'the pod spec has no container named "migrate"'],
    ['not a spec', 'pod', { kind: 'init', name: 'migrate' }, { limitBytes: 1, requestBytes: 1 }, 'the pod spec has no list of containers: its memory cannot be computed'],
    ['a fractional byte count', seed, { kind: 'init', name: 'migrate' }, { limitBytes: 1.5, requestBytes: null }, 'the new memory must be whole numbers of bytes or null, got limit 1.5 and request null'],
    ['no memory given', seed, { kind: 'init', name: 'migrate' }, undefined, 'the new memory must be whole numbers of bytes or null, got limit undefined and request undefined'],
  ])('%s', (_case, spec, target, memory, problem) => {
    expect(effectivePodRequestWith(spec as SchedulingPodSpec, target as { kind: 'init'; name: string }, memory as { limitBytes: null; requestBytes: null })).toEqual({ ok: false, problem });
  });
});

import { QuantityError } from '../../../src/core/quantity.js';
import { buildLimitPatch, hasMemoryLimit, memoryOf } from '../../../src/core/rules/build-patch.js';
import type { ContainerKind } from '../../../src/core/rules/containers-field.js';
import { makeWorkload, SEED_MIGRATE } from './pod-factory.js';

describe('buildLimitPatch', () => {
  test.each<[string, ContainerKind, string, string | null, object]>([
    ['the seed fix', 'init', 'migrate', '128Mi', { spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory: '128Mi' } } }] } } } }],
    ['an app container', 'app', 'app', '512Mi', { spec: { template: { spec: { containers: [{ name: 'app', resources: { limits: { memory: '512Mi' } } }] } } } }],
    ['a limit in bytes', 'init', 'migrate', '134217728', { spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory: '134217728' } } }] } } } }],
    ['a rollback to no limit deletes the key', 'init', 'migrate', null, { spec: { template: { spec: { initContainers: [{ name: 'migrate', resources: { limits: { memory: null } } }] } } } }],
  ])('%s', (_case, kind, container, limit, patch) => {
    expect(buildLimitPatch({ kind, container, limit })).toEqual(patch);
  });

  test.each(['lots', '', '64MB', '-1Mi'])('refuses the limit %p', (limit) => {
    expect(() => buildLimitPatch({ kind: 'init', container: 'migrate', limit })).toThrow(QuantityError);
  });
});

describe('memoryOf', () => {
  const workload = makeWorkload([SEED_MIGRATE, { name: 'warm-cache' }], [{ name: 'app', limit: '256Mi' }]);
  test.each<[string, ContainerKind, string, { limit: string | null; request: string | null } | null]>([
    ['the seed init container', 'init', 'migrate', { limit: '64Mi', request: '32Mi' }],
    ['an init container without resources', 'init', 'warm-cache', { limit: null, request: null }],
    ['an app container with a limit only', 'app', 'app', { limit: '256Mi', request: null }],
    ['a missing container', 'init', 'seed-db', null],
    ['the right name in the wrong list', 'app', 'migrate', null],
  ])('%s', (_case, kind, container, memory) => {
    expect(memoryOf(workload, kind, container)).toEqual(memory);
  });

  test('a workload without init containers', () => {
    expect(memoryOf(makeWorkload([]), 'init', 'migrate')).toBeNull();
  });
});

describe('hasMemoryLimit compares bytes', () => {
  const workload = makeWorkload([{ ...SEED_MIGRATE, limit: '128Mi' }, { name: 'warm-cache' }]);
  test.each<[string, string, boolean]>([
    ['migrate', '128Mi', true],
    ['migrate', '134217728', true],
    ['migrate', '131072Ki', true],
    ['migrate', '64Mi', false],
    ['migrate', '128M', false],
    ['warm-cache', '128Mi', false],
    ['seed-db', '128Mi', false],
  ])('%s has %s: %p', (container, limit, expected) => {
    expect(hasMemoryLimit(workload, 'init', container, limit)).toBe(expected);
  });

  test('a hand-written, unparseable limit in the template is not a match', () => {
    expect(hasMemoryLimit(makeWorkload([{ name: 'migrate', limit: 'lots' }]), 'init', 'migrate', '128Mi')).toBe(false);
  });

  test('an unparseable expected limit is a bug and throws', () => {
    expect(() => hasMemoryLimit(workload, 'init', 'migrate', 'lots')).toThrow(QuantityError);
  });
});

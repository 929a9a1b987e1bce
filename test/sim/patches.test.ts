import { ApiError } from '../../src/sim/api-error.js';
import { applyPatch } from '../../src/sim/apply-patch.js';
import { applyJsonPatch } from '../../src/sim/json-patch.js';
import type { JsonValue, KubeObject } from '../../src/sim/k8s-types.js';
import { mergePatch } from '../../src/sim/merge-patch.js';
import { strategicMerge } from '../../src/sim/strategic-merge.js';

const podSpec = (): JsonValue => ({
  initContainers: [{ name: 'migrate', image: 'm:1', resources: { limits: { memory: '64Mi' }, requests: { memory: '32Mi' } } }],
  containers: [
    { name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] },
    { name: 'sidecar', image: 's:1' },
  ],
  finalizers: ['a'],
});

describe('strategicMerge', () => {
  test.each<[string, JsonValue, JsonValue]>([
    [
      'merges initContainers by name and resources key by key',
      { initContainers: [{ name: 'migrate', resources: { limits: { memory: '128Mi' } } }] },
      { initContainers: [{ name: 'migrate', image: 'm:1', resources: { limits: { memory: '128Mi' }, requests: { memory: '32Mi' } } }] },
    ],
    [
      'adds a container with a new name at the end and keeps the others',
      { containers: [{ name: 'extra', image: 'e:1' }] },
      { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 's:1' }, { name: 'extra', image: 'e:1' }] },
    ],
    [
      'deletes a list element with $patch: delete',
      { containers: [{ name: 'sidecar', $patch: 'delete' }] },
      { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }] },
    ],
    [
      'merges nested env by name and ports by containerPort',
      { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 9090 }] }] },
      { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }, { containerPort: 9090 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }, { name: 'sidecar', image: 's:1' }] },
    ],
    [
      'null removes a key',
      { initContainers: [{ name: 'migrate', resources: { requests: null } }] },
      { initContainers: [{ name: 'migrate', image: 'm:1', resources: { limits: { memory: '64Mi' } } }] },
    ],
    [
      '$patch: replace on a map replaces it',
      { initContainers: [{ name: 'migrate', resources: { $patch: 'replace', limits: { memory: '1Gi' } } }] },
      { initContainers: [{ name: 'migrate', image: 'm:1', resources: { limits: { memory: '1Gi' } } }] },
    ],
    ['finalizers merge as a set', { finalizers: ['b', 'a'] }, { finalizers: ['a', 'b'] }],
    ['$deleteFromPrimitiveList removes values', { '$deleteFromPrimitiveList/finalizers': ['a'] }, { finalizers: [] }],
  ])('%s', (_name, patch, expected) => {
    expect(strategicMerge(podSpec(), patch)).toMatchObject(expected as object);
  });

  test('$setElementOrder is ignored and the input is left unchanged', () => {
    const original = podSpec();
    const copy = structuredClone(original);
    strategicMerge(original, { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'a:2' }] });
    expect(original).toEqual(copy);
  });

  test('a list element without its merge key is a 400', () => {
    expect(() => strategicMerge(podSpec(), { containers: [{ image: 'x' }] })).toThrow(expect.objectContaining({ code: 400 }));
  });

  test('lists without a merge key are replaced', () => {
    expect(strategicMerge({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
  });
});

describe('mergePatch (RFC 7386)', () => {
  test.each<[JsonValue, JsonValue, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [['a'], { a: 'b' }, { a: 'b' }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  const doc = (): JsonValue => ({ a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y' });
  test.each<[string, JsonValue, JsonValue]>([
    ['add to an object', [{ op: 'add', path: '/a/z', value: 1 }], { a: { b: [1, 2, 3], z: 1 }, 'c/d': 'x', 'e~f': 'y' }],
    ['insert into an array', [{ op: 'add', path: '/a/b/1', value: 9 }], { a: { b: [1, 9, 2, 3] }, 'c/d': 'x', 'e~f': 'y' }],
    ['append with -', [{ op: 'add', path: '/a/b/-', value: 4 }], { a: { b: [1, 2, 3, 4] }, 'c/d': 'x', 'e~f': 'y' }],
    ['remove', [{ op: 'remove', path: '/a/b/0' }], { a: { b: [2, 3] }, 'c/d': 'x', 'e~f': 'y' }],
    ['replace with escapes', [{ op: 'replace', path: '/c~1d', value: 'z' }, { op: 'replace', path: '/e~0f', value: 'w' }], { a: { b: [1, 2, 3] }, 'c/d': 'z', 'e~f': 'w' }],
    ['move', [{ op: 'move', from: '/c~1d', path: '/g' }], { a: { b: [1, 2, 3] }, g: 'x', 'e~f': 'y' }],
    ['copy', [{ op: 'copy', from: '/a/b/0', path: '/h' }], { a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y', h: 1 }],
    ['test that holds', [{ op: 'test', path: '/a/b', value: [1, 2, 3] }], { a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y' }],
  ])('%s', (_name, ops, expected) => {
    expect(applyJsonPatch(doc(), ops)).toEqual(expected);
  });

  test.each<[string, JsonValue, number]>([
    ['a failed test is 422', [{ op: 'test', path: '/a/b', value: [] }], 422],
    ['a missing path is 422', [{ op: 'replace', path: '/nope/x', value: 1 }], 422],
    ['removing a missing key is 422', [{ op: 'remove', path: '/nope' }], 422],
    ['an unknown op is 400', [{ op: 'frobnicate', path: '/a' }], 400],
    ['not an array is 400', { op: 'add' }, 400],
  ])('%s', (_name, ops, code) => {
    expect(() => applyJsonPatch(doc(), ops)).toThrow(expect.objectContaining({ code }));
  });
});

describe('applyPatch content types', () => {
  const obj: KubeObject = { metadata: { name: 'x' }, spec: { a: [1] } };
  test.each([
    ['application/json-patch+json', '[{"op":"replace","path":"/spec/a","value":[2]}]', [2]],
    ['application/merge-patch+json', '{"spec":{"a":[3]}}', [3]],
    ['application/strategic-merge-patch+json; charset=utf-8', '{"spec":{"a":[4]}}', [4]],
  ])('%s', (type, body, expected) => {
    expect(applyPatch(type, obj, body).spec).toEqual({ a: expected });
  });

  test.each([['application/apply-patch+yaml'], ['application/json'], ['']])('%p is 415 UnsupportedMediaType', (type) => {
    try {
      applyPatch(type, obj, '{}');
      throw new Error('expected 415');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).toStatus()).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    }
  });

  test('a body that is not JSON is 400', () => {
    expect(() => applyPatch('application/merge-patch+json', obj, '{nope')).toThrow(expect.objectContaining({ code: 400 }));
  });
});

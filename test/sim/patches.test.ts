import { ApiError } from '../../src/sim/api-error.js';
import { applyPatch } from '../../src/sim/apply-patch.js';
import { applyJsonPatch } from '../../src/sim/json-patch.js';
import type { JsonObject, JsonValue, KubeObject } from '../../src/sim/k8s-types.js';
import { mergePatch } from '../../src/sim/merge-patch.js';
import { strategicMerge } from '../../src/sim/strategic-merge.js';

const podSpec = (): JsonObject => ({
  initContainers: [{ name: 'migrate', image: 'm:1', resources: { limits: { memory: '64Mi' }, requests: { memory: '32Mi' } } }],
  containers: [
    { name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] },
    { name: 'sidecar', image: 's:1' },
  ],
  finalizers: ['a'],
});

// Expected results as `kubectl patch --local` (apimachinery's strategicpatch) gives them; the oracle
// suite (patch-oracle.test.ts) checks the same behaviours against the real code on a full object.
describe('strategicMerge', () => {
  test.each<[string, JsonObject, JsonObject]>([
    [
      'merges initContainers by name and resources key by key',
      { initContainers: [{ name: 'migrate', resources: { limits: { memory: '128Mi' } } }] },
      { initContainers: [{ name: 'migrate', image: 'm:1', resources: { limits: { memory: '128Mi' }, requests: { memory: '32Mi' } } }] },
    ],
    [
      'puts a container with a new name before the live ones, as the API server does',
      { containers: [{ name: 'extra', image: 'e:1' }] },
      { containers: [{ name: 'extra', image: 'e:1' }, { name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 's:1' }] },
    ],
    [
      'deletes a list element with $patch: delete',
      { containers: [{ name: 'sidecar', $patch: 'delete' }] },
      { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }] },
    ],
    [
      'merges nested env by name and ports by containerPort, new ones first',
      { containers: [{ name: 'app', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 9090 }] }] },
      { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 9090 }, { containerPort: 8080 }], env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }] }, { name: 'sidecar', image: 's:1' }] },
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
    [
      '$setElementOrder orders the merged list',
      { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'a:2' }] },
      { containers: [{ name: 'sidecar', image: 's:1' }, { name: 'app', image: 'a:2', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }] },
    ],
    ['$retainKeys clears the keys it does not list', { $retainKeys: ['containers'], containers: [] }, { containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }], env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 's:1' }] }],
    ['finalizers merge as a set, in the patch order', { finalizers: ['b', 'a'] }, { finalizers: ['b', 'a'] }],
    ['$deleteFromPrimitiveList removes values', { '$deleteFromPrimitiveList/finalizers': ['a'] }, { finalizers: [] }],
  ])('%s', (_name, patch, expected) => {
    expect(strategicMerge(podSpec(), patch)).toMatchObject(expected);
  });

  test('the inputs are left unchanged', () => {
    const original = podSpec();
    const patch: JsonObject = { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'a:2' }] };
    const copies = structuredClone([original, patch]);
    strategicMerge(original, patch);
    expect([original, patch]).toEqual(copies);
  });

  test.each<[string, JsonObject, number, string]>([
    ['a list element without its merge key', { containers: [{ image: 'x' }] }, 500, 'map: map[image:x] does not contain declared merge key: name'],
    ['an unknown $patch', { containers: [{ name: 'app', $patch: 'frob' }] }, 500, 'unknown patch type: frob in map: map[$patch:frob name:app]'],
    ['$retainKeys without a patched key', { $retainKeys: ['x'], containers: [] }, 400, 'invalid patch format of retainKeys'],
  ])('%s is refused as the API server refuses it', (_name, patch, code, message) => {
    expect(() => strategicMerge(podSpec(), patch)).toThrow(expect.objectContaining({ code, message }));
  });

  test('lists without a merge key are replaced', () => {
    expect(strategicMerge({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
  });
});

describe('mergePatch (RFC 7386, evanphx/json-patch v4 semantics)', () => {
  test.each<[JsonObject, JsonObject, JsonValue]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: 'b' }, { n: { x: null, y: [{ z: null }, null] } }, { a: 'b', n: { y: [{}, null] } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });
});

describe('applyJsonPatch (RFC 6902, evanphx/json-patch v4 semantics)', () => {
  const doc = (): JsonObject => ({ a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y' });
  test.each<[string, JsonObject[], JsonValue]>([
    ['add to an object', [{ op: 'add', path: '/a/z', value: 1 }], { a: { b: [1, 2, 3], z: 1 }, 'c/d': 'x', 'e~f': 'y' }],
    ['insert into an array', [{ op: 'add', path: '/a/b/1', value: 9 }], { a: { b: [1, 9, 2, 3] }, 'c/d': 'x', 'e~f': 'y' }],
    ['append with -', [{ op: 'add', path: '/a/b/-', value: 4 }], { a: { b: [1, 2, 3, 4] }, 'c/d': 'x', 'e~f': 'y' }],
    ['remove', [{ op: 'remove', path: '/a/b/0' }], { a: { b: [2, 3] }, 'c/d': 'x', 'e~f': 'y' }],
    ['remove with a negative index', [{ op: 'remove', path: '/a/b/-1' }], { a: { b: [1, 2] }, 'c/d': 'x', 'e~f': 'y' }],
    ['replace with escapes', [{ op: 'replace', path: '/c~1d', value: 'z' }, { op: 'replace', path: '/e~0f', value: 'w' }], { a: { b: [1, 2, 3] }, 'c/d': 'z', 'e~f': 'w' }],
    ['replace of a missing object key adds it', [{ op: 'replace', path: '/n', value: 1 }], { a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y', n: 1 }],
    ['move', [{ op: 'move', from: '/c~1d', path: '/g' }], { a: { b: [1, 2, 3] }, g: 'x', 'e~f': 'y' }],
    ['copy', [{ op: 'copy', from: '/a/b/0', path: '/h' }], { a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y', h: 1 }],
    ['test that holds', [{ op: 'test', path: '/a/b', value: [1, 2, 3] }], { a: { b: [1, 2, 3] }, 'c/d': 'x', 'e~f': 'y' }],
  ])('%s', (_name, ops, expected) => {
    expect(applyJsonPatch(doc(), ops)).toEqual(expected);
  });
});

describe("applyPatch: the patch handler's error shapes", () => {
  const obj: KubeObject = { metadata: { name: 'x' }, a: { b: [1, 2, 3] } };
  const status = (type: string, body: string) => {
    try {
      applyPatch(type, obj, body);
    } catch (error) {
      if (error instanceof ApiError) return error.toStatus();
      throw error;
    }
    throw new Error('expected an error');
  };
  test.each<[string, string, number, string]>([
    ['a failed test', '[{"op":"test","path":"/a/b","value":[]}]', 422, 'testing value /a/b failed: test failed'],
    ['a missing parent', '[{"op":"replace","path":"/nope/x","value":1}]', 422, 'replace operation does not apply: doc is missing path: /nope/x: missing value'],
    ['removing a missing key', '[{"op":"remove","path":"/nope"}]', 422, "error in remove for path: '/nope': Unable to remove nonexistent key: nope: missing value"],
    ['an unknown op', '[{"op":"frobnicate","path":"/a"}]', 422, 'Unexpected kind: frobnicate'],
  ])('json patch: %s is 422 with the library text as the cause', (_name, body, code, cause) => {
    expect(status('application/json-patch+json', body)).toMatchObject({ code, reason: 'Invalid', message: 'the server rejected our request due to an error in our request', details: { causes: [{ reason: 'UnexpectedServerResponse', message: cause }] } });
  });

  test.each<[string, string, string]>([
    ['application/json-patch+json', '{"op":"add"}', 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'],
    ['application/merge-patch+json', '"x"', 'Invalid JSON Patch'],
    ['application/strategic-merge-patch+json', '[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ])('%s: an undecodable body %s is 400', (type, body, message) => {
    expect(status(type, body)).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });
});

describe('applyPatch content types', () => {
  const obj: KubeObject = { metadata: { name: 'x' }, spec: { a: [1] } };
  test.each([
    ['application/json-patch+json', '[{"op":"replace","path":"/spec/a","value":[2]}]', [2]],
    ['application/merge-patch+json', '{"spec":{"a":[3]}}', [3]],
    ['application/strategic-merge-patch+json; charset=utf-8', '{"spec":{"a":[4]}}', [4]],
  ])('%s', (type, body, expected) => {
    expect((applyPatch(type, obj, body).patched as { spec: unknown }).spec).toEqual({ a: expected });
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

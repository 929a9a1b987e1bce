/**
 * Patches the oracle suite applies to one Deployment through the simulator (server-side dry run)
 * and through `kubectl patch --local`. Each case is there for a behaviour a client depends on;
 * `shows` says which, and is checked on the simulator's result as well as the equality with kubectl.
 */
import type { PatchKind } from '../helpers/kubectl-local.js';

type Json = Record<string, unknown>;
type Spec = { template: { spec: Json & { initContainers: Json[]; containers: Json[]; volumes: Json[] } }; strategy: Json };

export interface PatchCase {
  name: string;
  type: PatchKind;
  patch: unknown;
  /** A fact about the result, checked on the simulator's answer (the oracle must agree anyway). */
  shows?: (object: { metadata: Json; spec: Spec }) => unknown;
  shown?: unknown;
  /** The patch fails: the API server's Status, and whether kubectl's text must appear in it. */
  error?: { code: number; reason?: string; message: string; sameTextAsKubectl: boolean };
}

const names = (list: Json[]) => list.map((c) => c.name);
const pod = (spec: Json) => ({ spec: { template: { spec } } });

const strategic: PatchCase[] = [
  { name: 'raise an init container limit (what the bot sends)', type: 'strategic', patch: pod({ initContainers: [{ name: 'migrate', resources: { limits: { memory: '128Mi' } } }] }), shows: (o) => o.spec.template.spec.initContainers[0], shown: { name: 'migrate', image: 'registry.example.com/migrate:1', resources: { limits: { memory: '128Mi' }, requests: { memory: '32Mi' } }, env: [{ name: 'MODE', value: 'up' }], imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' } },
  { name: 'a new init container goes first (apiserver order, not appended)', type: 'strategic', patch: pod({ initContainers: [{ name: 'seed', image: 's:1' }] }), shows: (o) => names(o.spec.template.spec.initContainers), shown: ['seed', 'migrate', 'warm-cache'] },
  { name: 'a new container goes first too', type: 'strategic', patch: pod({ containers: [{ name: 'extra', image: 'e:1' }] }), shows: (o) => names(o.spec.template.spec.containers), shown: ['extra', 'app', 'sidecar'] },
  { name: 'patching two containers in reverse order reorders them', type: 'strategic', patch: pod({ containers: [{ name: 'sidecar', image: 's:2' }, { name: 'app', image: 'a:2' }] }), shows: (o) => names(o.spec.template.spec.containers), shown: ['sidecar', 'app'] },
  { name: 'a changed and a new element: the new one where the patch puts it', type: 'strategic', patch: pod({ initContainers: [{ name: 'warm-cache', image: 'w:2' }, { name: 'seed', image: 's:1' }] }), shows: (o) => names(o.spec.template.spec.initContainers), shown: ['migrate', 'warm-cache', 'seed'] },
  { name: '$setElementOrder puts a new element in the middle', type: 'strategic', patch: pod({ '$setElementOrder/initContainers': [{ name: 'migrate' }, { name: 'seed' }, { name: 'warm-cache' }], initContainers: [{ name: 'seed', image: 's:1' }] }), shows: (o) => names(o.spec.template.spec.initContainers), shown: ['migrate', 'seed', 'warm-cache'] },
  { name: '$setElementOrder alone reorders a list', type: 'strategic', patch: pod({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] }), shows: (o) => names(o.spec.template.spec.containers), shown: ['sidecar', 'app'] },
  { name: '$setElementOrder with a changed element keeps the given order', type: 'strategic', patch: pod({ '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', image: 'a:3' }] }), shows: (o) => names(o.spec.template.spec.containers), shown: ['sidecar', 'app'] },
  { name: '$patch: delete removes a container', type: 'strategic', patch: pod({ containers: [{ name: 'sidecar', $patch: 'delete' }] }), shows: (o) => names(o.spec.template.spec.containers), shown: ['app'] },
  { name: '$patch: delete of a missing element changes nothing', type: 'strategic', patch: pod({ containers: [{ name: 'ghost', $patch: 'delete' }] }), shows: (o) => names(o.spec.template.spec.containers), shown: ['app', 'sidecar'] },
  { name: '$patch: replace on a list replaces it', type: 'strategic', patch: pod({ initContainers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }] }), shows: (o) => names(o.spec.template.spec.initContainers), shown: ['only'] },
  { name: '$patch: replace on a map replaces it', type: 'strategic', patch: pod({ initContainers: [{ name: 'migrate', resources: { $patch: 'replace', limits: { memory: '1Gi' } } }] }), shows: (o) => o.spec.template.spec.initContainers[0]?.resources, shown: { limits: { memory: '1Gi' } } },
  { name: '$patch: delete on a map removes it', type: 'strategic', patch: pod({ initContainers: [{ name: 'migrate', resources: { $patch: 'delete' } }] }), shows: (o) => o.spec.template.spec.initContainers[0]?.resources, shown: {} },
  { name: 'null removes a key', type: 'strategic', patch: pod({ initContainers: [{ name: 'migrate', resources: { requests: null } }] }), shows: (o) => o.spec.template.spec.initContainers[0]?.resources, shown: { limits: { memory: '64Mi' } } },
  { name: 'env merges by name: one changed, one added first', type: 'strategic', patch: pod({ containers: [{ name: 'app', env: [{ name: 'LEVEL', value: 'debug' }, { name: 'ZONE', value: 'b' }] }] }), shows: (o) => o.spec.template.spec.containers[0]?.env },
  { name: 'env: $patch: delete removes one variable', type: 'strategic', patch: pod({ containers: [{ name: 'app', env: [{ name: 'LEVEL', $patch: 'delete' }] }] }) },
  { name: 'ports merge by containerPort; a field is added to an existing port', type: 'strategic', patch: pod({ containers: [{ name: 'app', ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 7070 }] }] }), shows: (o) => o.spec.template.spec.containers[0]?.ports },
  { name: 'volumeMounts merge by mountPath', type: 'strategic', patch: pod({ containers: [{ name: 'app', volumeMounts: [{ mountPath: '/data', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }] }] }) },
  { name: 'volumes with $retainKeys switch a volume source', type: 'strategic', patch: pod({ volumes: [{ name: 'data', $retainKeys: ['name', 'configMap'], configMap: { name: 'cfg' } }] }), shows: (o) => o.spec.template.spec.volumes.find((v) => v.name === 'data'), shown: { name: 'data', configMap: { name: 'cfg', defaultMode: 420 } } },
  { name: 'strategy with $retainKeys switches to Recreate (what kubectl apply sends)', type: 'strategic', patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, shows: (o) => o.spec.strategy, shown: { type: 'Recreate' } },
  { name: 'finalizers merge as a set; a new one goes first', type: 'strategic', patch: { metadata: { finalizers: ['example.com/c'] } }, shows: (o) => o.metadata.finalizers, shown: ['example.com/c', 'example.com/a', 'example.com/b'] },
  { name: 'finalizers in a new order', type: 'strategic', patch: { metadata: { finalizers: ['example.com/b', 'example.com/a'] } } },
  { name: '$deleteFromPrimitiveList removes a finalizer', type: 'strategic', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } }, shows: (o) => o.metadata.finalizers, shown: ['example.com/b'] },
  { name: 'labels merge; null removes one', type: 'strategic', patch: { metadata: { labels: { tier: null, team: 'shop' } } } },
  { name: 'lists without a strategy are replaced (tolerations, args)', type: 'strategic', patch: pod({ tolerations: [{ key: 'x', operator: 'Exists' }], containers: [{ name: 'app', args: ['--c'] }] }) },
  { name: 'imagePullSecrets merge by name', type: 'strategic', patch: pod({ imagePullSecrets: [{ name: 'other' }] }) },
  { name: 'an added element keeps no nulls or directives (typed decode)', type: 'strategic', patch: pod({ containers: [{ name: 'extra', image: 'e:1', resources: null, stdin: null }] }) },
  { name: 'a scalar and a nested map at once', type: 'strategic', patch: { spec: { replicas: 3, template: { metadata: { annotations: { note: 'x' } } } } } },
  {
    name: 'an element without its merge key is refused (reason-less 500, as the API server leaves it)',
    type: 'strategic',
    patch: pod({ containers: [{ image: 'x:1' }] }),
    error: { code: 500, message: 'map: map[image:x:1] does not contain declared merge key: name', sameTextAsKubectl: true },
  },
  { name: 'an unknown $patch in a list element', type: 'strategic', patch: pod({ containers: [{ name: 'app', $patch: 'frob' }] }), error: { code: 500, message: 'unknown patch type: frob in map: map[$patch:frob name:app]', sameTextAsKubectl: true } },
  { name: 'an unknown $patch on a map', type: 'strategic', patch: { spec: { strategy: { $patch: 'frob' } } }, error: { code: 500, message: 'unknown patch type: frob in map: map[$patch:frob]', sameTextAsKubectl: true } },
  {
    name: 'a $setElementOrder list that contradicts the patch',
    type: 'strategic',
    patch: pod({ '$setElementOrder/containers': [{ name: 'zzz' }], containers: [{ name: 'app', image: 'q:1' }] }),
    error: { code: 500, message: "The order in patch list:\n[map[image:q:1 name:app]]\n doesn't match $setElementOrder list:\n[map[name:zzz]]\n", sameTextAsKubectl: true },
  },
  { name: '$retainKeys that leaves out a patched key', type: 'strategic', patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 1 } } } }, error: { code: 400, reason: 'BadRequest', message: 'invalid patch format of retainKeys', sameTextAsKubectl: true } },
];

const merge: PatchCase[] = [
  { name: 'merge: a scalar', type: 'merge', patch: { spec: { replicas: 2 } } },
  { name: 'merge: labels, null removes', type: 'merge', patch: { metadata: { labels: { tier: null, team: 'shop' } } } },
  { name: 'merge: a list is replaced whole', type: 'merge', patch: pod({ initContainers: [{ name: 'migrate', image: 'm:2' }] }), shows: (o) => o.spec.template.spec.initContainers, shown: [{ name: 'migrate', image: 'm:2', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }] },
  { name: 'merge: nulls inside a new map are pruned', type: 'merge', patch: { metadata: { annotations: { a: 'b', c: null } } } },
  { name: 'merge: a nested map merges', type: 'merge', patch: { spec: { strategy: { rollingUpdate: { maxSurge: 1 } } } } },
  { name: 'merge: a list body is refused', type: 'merge', patch: [1], error: { code: 422, reason: 'Invalid', message: ' "" is invalid: patch: Invalid value: "[1]": json: cannot unmarshal array into Go value of type v1.Deployment', sameTextAsKubectl: false } },
];

const init0 = '/spec/template/spec/initContainers/0';
const json: PatchCase[] = [
  { name: 'json: replace the init memory limit', type: 'json', patch: [{ op: 'replace', path: `${init0}/resources/limits/memory`, value: '128Mi' }] },
  { name: 'json: add at the end with -', type: 'json', patch: [{ op: 'add', path: `${init0}/env/-`, value: { name: 'X', value: '1' } }] },
  { name: 'json: add at an index', type: 'json', patch: [{ op: 'add', path: '/spec/template/spec/containers/0/args/0', value: '--first' }] },
  { name: 'json: remove with a negative index (library extension)', type: 'json', patch: [{ op: 'remove', path: '/spec/template/spec/containers/-1' }] },
  { name: 'json: move and copy', type: 'json', patch: [{ op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' }, { op: 'move', from: '/metadata/labels/tier', path: '/metadata/annotations/tier' }] },
  { name: 'json: a test that holds, then a change', type: 'json', patch: [{ op: 'test', path: '/spec/replicas', value: 0 }, { op: 'replace', path: '/spec/replicas', value: 1 }] },
  { name: 'json: replace of a missing object key adds it (library quirk)', type: 'json', patch: [{ op: 'replace', path: '/metadata/annotations/new', value: 'v' }] },
  { name: 'json: a failed test is 422 with the library text', type: 'json', patch: [{ op: 'test', path: '/spec/replicas', value: 5 }], error: { code: 422, reason: 'Invalid', message: 'testing value /spec/replicas failed: test failed', sameTextAsKubectl: true } },
  { name: 'json: removing a missing key', type: 'json', patch: [{ op: 'remove', path: '/spec/nope' }], error: { code: 422, reason: 'Invalid', message: "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value", sameTextAsKubectl: true } },
  { name: 'json: a missing parent', type: 'json', patch: [{ op: 'replace', path: '/spec/foo/bar', value: 1 }], error: { code: 422, reason: 'Invalid', message: 'replace operation does not apply: doc is missing path: /spec/foo/bar: missing value', sameTextAsKubectl: true } },
  { name: 'json: an index past the end', type: 'json', patch: [{ op: 'add', path: '/spec/template/spec/containers/7', value: {} }], error: { code: 422, reason: 'Invalid', message: "error in add for path: '/spec/template/spec/containers/7': Unable to access invalid index: 7: invalid index referenced", sameTextAsKubectl: true } },
  { name: 'json: an unknown op', type: 'json', patch: [{ op: 'frob', path: '/spec' }], error: { code: 422, reason: 'Invalid', message: 'Unexpected kind: frob', sameTextAsKubectl: true } },
  { name: 'json: a body that is not a list', type: 'json', patch: { op: 'add' }, error: { code: 400, reason: 'BadRequest', message: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp', sameTextAsKubectl: false } },
];

export const PATCH_CASES: readonly PatchCase[] = [...strategic, ...merge, ...json];

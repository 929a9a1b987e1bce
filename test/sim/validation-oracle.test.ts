/**
 * What the API server refuses and how it says so. Quantities: the simulator's parser against
 * kubectl's (`kubectl set resources --local` runs apimachinery's ParseQuantity). Validation: the
 * object the server validates is the strategic merge kubectl computes (`kubectl patch --local`
 * shows the conflicting fields side by side), and the simulator answers with the API server's
 * Status and wording (pkg/apis/core/validation, apps/validation, the patch and update handlers).
 */
import { ERR_FORMAT_WRONG, ERR_SUFFIX, parseGoQuantity } from '../../src/sim/parse-go-quantity.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call, type RawResponse } from './helpers/api.js';
import { localPatcher, type LocalPatcher, type LocalResult } from './helpers/kubectl-local.js';

const PATH = '/apis/apps/v1/namespaces/lab/deployments/web';
const QUANTITIES = ['64Mi', '128974848', '1.5Gi', '.5', '1.', '.', '.Ki', '1.Ki', '+', '-64Mi', '100n', '1e3', '12e-3', '5E', '5E3', '5e+3', '1Ei', '1P', '00', '007Mi',
  '64MB', ' 64Mi', 'abc', '', '0x10', '1Qi', '1.5.5', '64Mm', '1e', '64Mi5', '1Ki1', '1K'];

let sim: Simulator;
let local: LocalPatcher;
let base: Record<string, unknown>;
let parsedByKubectl: LocalResult[];

beforeAll(async () => {
  const scenario = parseScenario(
    `namespaces: [{ name: lab }]
workloads:
  - { kind: Deployment, name: web, namespace: lab, replicas: 0, containers: [{ name: app, image: a:1, peakMemory: 8Mi, limits: { memory: 64Mi } }] }`,
    'validation.yaml',
  );
  sim = await startSimulator({ scenario, timeScale: 0.001 });
  local = await localPatcher();
  const current = (await call(sim.url, 'GET', PATH)).json<{ spec: { template: { spec: { containers: Array<Record<string, unknown>>; volumes?: unknown } } } }>();
  const app = current.spec.template.spec.containers[0] as Record<string, unknown>;
  app.env = [{ name: 'TOKEN', value: 'literal' }];
  app.volumeMounts = [{ name: 'data', mountPath: '/data' }];
  current.spec.template.spec.volumes = [{ name: 'data', emptyDir: {} }];
  expect((await call(sim.url, 'PUT', PATH, current, { 'Content-Type': 'application/json' })).status).toBe(200);
  base = (await call(sim.url, 'GET', PATH)).json();
  parsedByKubectl = await Promise.all(QUANTITIES.map((q) => local.setLimits(base, 'app', `memory=${q}`)));
});

afterAll(async () => {
  await sim.close();
  await local.cleanup();
});

const memoryOf = (result: LocalResult) =>
  (result as unknown as { object: { spec: { template: { spec: { containers: Array<{ resources: { limits: { memory: string } } }> } } } } }).object.spec.template.spec.containers[0]?.resources.limits.memory ?? '';

test.each(QUANTITIES.map((q, i) => [JSON.stringify(q), q, i] as const))('quantity %s parses (or fails) as ParseQuantity does', (_shown, q, i) => {
  const theirs = parsedByKubectl[i] as LocalResult;
  const mine = parseGoQuantity(q);
  if (!theirs.ok) {
    expect(mine).toEqual({ ok: false, error: theirs.error });
    expect([ERR_FORMAT_WRONG, ERR_SUFFIX]).toContain(theirs.error);
    return;
  }
  // kubectl prints the canonical form (1.5Gi -> 1536Mi): the same amount.
  const canonical = parseGoQuantity(memoryOf(theirs));
  expect(mine.ok && canonical.ok && Math.abs(mine.value - canonical.value) <= Math.abs(canonical.value) * 1e-12).toBe(true);
});

const strategicPatch = (patch: unknown) => call(sim.url, 'PATCH', PATH, patch, { 'Content-Type': 'application/strategic-merge-patch+json' });
const status = (res: RawResponse) => res.json<{ code: number; reason?: string; message: string; details?: { causes?: Array<{ field?: string; message: string }> } }>();
const podPatch = (spec: unknown) => ({ spec: { template: { spec } } });

test.each<[string, unknown, (merged: Record<string, unknown>) => unknown, unknown, string]>([
  [
    'an env var given valueFrom keeps its value: both are set',
    podPatch({ containers: [{ name: 'app', env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] }),
    (o) => (o as { spec: { template: { spec: { containers: Array<{ env: unknown[] }> } } } }).spec.template.spec.containers[0]?.env[0],
    { name: 'TOKEN', value: 'literal', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    'Deployment.apps "web" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
  ],
  [
    'a volume switched to configMap without $retainKeys keeps emptyDir: two sources',
    podPatch({ volumes: [{ name: 'data', configMap: { name: 'cfg' } }] }),
    (o) => (o as { spec: { template: { spec: { volumes: unknown[] } } } }).spec.template.spec.volumes[0],
    { name: 'data', emptyDir: {}, configMap: { name: 'cfg' } },
    'Deployment.apps "web" is invalid: spec.template.spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
  ],
  [
    'strategy switched to Recreate without $retainKeys keeps rollingUpdate',
    { spec: { strategy: { type: 'Recreate' } } },
    (o) => (o as { spec: { strategy: unknown } }).spec.strategy,
    { type: 'Recreate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
  ],
])('%s: 422 with the API server wording; kubectl merges the same', async (_name, patch, conflict, merged, message) => {
  const [res, theirs] = await Promise.all([strategicPatch(patch), local.patch(base, 'strategic', patch)]);
  expect(theirs.ok).toBe(true);
  expect(conflict((theirs as { object: Record<string, unknown> }).object)).toEqual(merged);
  expect(res.status).toBe(422);
  expect(status(res)).toMatchObject({ code: 422, reason: 'Invalid', message });
  expect(sim.patchCount('Deployment', 'lab', 'web')).toBe(0);
});

test.each<[string, string, number, RegExp]>([
  ['strategic', JSON.stringify(podPatch({ containers: [{ name: 'app', resources: { limits: { memory: '64MB' } } }] })), 422, /^ "" is invalid: patch: Invalid value: "map\[spec:map\[template:map\[spec:map\[containers:\[map\[name:app resources:map\[limits:map\[memory:64MB\]\]\]\]\]\]\]\]": quantities must match/],
  ['strategic', JSON.stringify(podPatch({ containers: [{ name: 'app', resources: { limits: { memory: '64Mm' } } }] })), 422, /^ "" is invalid: patch: Invalid value: ".*": unable to parse quantity's suffix$/],
  ['merge', JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1', resources: { limits: { memory: 'lots' } } }] } } } }), 422, /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"apps\/v1\\",.*\\"memory\\":\\"lots\\".*": quantities must match/],
  ['json-patch', JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/resources/limits/memory', value: '1Qi' }]), 422, /^ "" is invalid: patch: Invalid value: ".*": quantities must match/],
])('a %s patch with a value that is no quantity fails the decode: %d on field "patch"', async (type, body, code, message) => {
  const res = await call(sim.url, 'PATCH', PATH, body, { 'Content-Type': `application/${type === 'json-patch' ? 'json-patch' : type === 'merge' ? 'merge-patch' : 'strategic-merge-patch'}+json` });
  expect(res.status).toBe(code);
  expect(status(res)).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'patch' }] } });
  expect(status(res).message).toMatch(message);
});

test('a decodable quantity the validation refuses names the Deployment and the field', async () => {
  const negative = await strategicPatch(podPatch({ containers: [{ name: 'app', resources: { limits: { memory: '-64Mi' } } }] }));
  expect(status(negative).message).toBe('Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "-64Mi": must be greater than or equal to 0');
  const above = await strategicPatch(podPatch({ containers: [{ name: 'app', resources: { requests: { memory: '128Mi' } } }] }));
  expect(status(above).message).toBe('Deployment.apps "web" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "128Mi": must be less than or equal to memory limit of 64Mi');
});

test('PUT: a value that is no quantity is a 400 "cannot be handled"; a padded one decodes (UnmarshalJSON trims)', async () => {
  const put = (memory: string) => {
    const body = structuredClone(base) as { spec: { template: { spec: { containers: Array<{ resources: { limits: { memory: string } } }> } } } };
    (body.spec.template.spec.containers[0] as { resources: { limits: { memory: string } } }).resources.limits.memory = memory;
    return call(sim.url, 'PUT', PATH, body, { 'Content-Type': 'application/json' });
  };
  const refused = await put('64MB');
  expect(refused.status).toBe(400);
  expect(status(refused)).toMatchObject({ code: 400, reason: 'BadRequest', message: `Deployment in version "v1" cannot be handled as a Deployment: ${ERR_FORMAT_WRONG}` });
  expect((await put(' 96Mi ')).status).toBe(200);
});

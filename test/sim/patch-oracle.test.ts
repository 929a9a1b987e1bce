/**
 * Fidelity of PATCH, judged by the real code: every case in oracle/patch-cases.ts is applied to the
 * same Deployment through the simulator (`?dryRun=All`, so nothing changes between cases) and
 * through `kubectl patch --local -o json`, which runs apimachinery's strategicpatch and the
 * json-patch library the API server uses. The results must be equal once what only a server adds
 * is taken out: metadata the server owns, status, and what its typed decode and defaulting do
 * (nulls and `$` keys dropped, pod-template defaults), applied to kubectl's side with the
 * simulator's own functions. Failing patches must fail on both sides, with the API server's Status.
 */
import { defaultPodSpec } from '../../src/sim/pod-from-template.js';
import { dropUntyped } from '../../src/sim/decode-object.js';
import type { JsonValue, PodSpec } from '../../src/sim/k8s-types.js';
import { parseScenario } from '../../src/sim/parse-scenario.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { call } from './helpers/api.js';
import { localPatcher, type LocalPatcher, type LocalResult, type PatchKind } from './helpers/kubectl-local.js';
import { PATCH_CASES, type PatchCase } from './oracle/patch-cases.js';

const PATH = '/apis/apps/v1/namespaces/lab/deployments/web';
const CONTENT_TYPES: Record<PatchKind, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

/** The object every case starts from: lists of every merge strategy, directives' targets. */
const RICH_TEMPLATE_SPEC = {
  initContainers: [
    { name: 'migrate', image: 'registry.example.com/migrate:1', env: [{ name: 'MODE', value: 'up' }], resources: { limits: { memory: '64Mi' }, requests: { memory: '32Mi' } } },
    { name: 'warm-cache', image: 'registry.example.com/warm:1' },
  ],
  containers: [
    {
      name: 'app',
      image: 'registry.example.com/web:1',
      args: ['--a', '--b'],
      ports: [{ containerPort: 8080 }, { containerPort: 9090 }],
      env: [{ name: 'LEVEL', value: 'info' }, { name: 'REGION', value: 'eu' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'cache', mountPath: '/cache' }],
      resources: { limits: { memory: '256Mi' } },
    },
    { name: 'sidecar', image: 'registry.example.com/sidecar:1' },
  ],
  volumes: [{ name: 'data', emptyDir: {} }, { name: 'cache', emptyDir: { medium: 'Memory' } }],
  tolerations: [{ key: 'dedicated', operator: 'Exists' }],
  imagePullSecrets: [{ name: 'registry' }],
};

let sim: Simulator;
let local: LocalPatcher;
let base: Record<string, unknown>;
let oracles: LocalResult[];
const started = Date.now();

beforeAll(async () => {
  const scenario = parseScenario(
    `namespaces: [{ name: lab }]
workloads:
  - { kind: Deployment, name: web, namespace: lab, replicas: 0, labels: { app: web }, containers: [{ name: app, image: a:1, peakMemory: 8Mi }] }`,
    'oracle.yaml',
  );
  sim = await startSimulator({ scenario, timeScale: 0.001 });
  local = await localPatcher();
  const current = (await call(sim.url, 'GET', PATH)).json<{ metadata: Record<string, unknown>; spec: { template: { metadata: Record<string, unknown>; spec: unknown } } }>();
  current.metadata.labels = { app: 'web', tier: 'backend' };
  current.metadata.annotations = { owner: 'shop' };
  current.metadata.finalizers = ['example.com/a', 'example.com/b'];
  current.spec.template.spec = RICH_TEMPLATE_SPEC;
  const put = await call(sim.url, 'PUT', PATH, current, { 'Content-Type': 'application/json' });
  expect(put.status).toBe(200);
  base = (await call(sim.url, 'GET', PATH)).json();
  // All kubectl runs up front, two at a time, instead of one after the other inside the cases.
  oracles = await Promise.all(PATCH_CASES.map((c) => local.patch(base, c.type, c.patch)));
});

afterAll(async () => {
  await sim.close();
  await local.cleanup();
  // The suite runs in CI with every other test: keep it well under a minute.
  expect(Date.now() - started).toBeLessThan(60_000);
});

/** What only a server adds or owns, taken out of both sides. */
function comparable(object: Record<string, unknown>, oracle: boolean): Record<string, unknown> {
  const o = (oracle ? dropUntyped(object as JsonValue) : structuredClone(object)) as Record<string, unknown> & { metadata: Record<string, unknown>; spec?: { template?: { spec?: PodSpec } } };
  for (const key of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields']) delete o.metadata[key];
  delete o.status;
  if (oracle && o.spec?.template?.spec) o.spec.template.spec = defaultPodSpec(o.spec.template.spec);
  return o;
}

async function viaSimulator(c: PatchCase) {
  return call(sim.url, 'PATCH', `${PATH}?dryRun=All&fieldManager=oracle`, c.patch, { 'Content-Type': CONTENT_TYPES[c.type] });
}

test.each(PATCH_CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
  const simulated = await viaSimulator(c);
  const oracle = oracles[i] as LocalResult;
  if (c.error) {
    expect(oracle).toMatchObject({ ok: false });
    const status = simulated.json<{ code: number; reason?: string; message: string; details?: { causes?: Array<{ message: string }> } }>();
    expect([simulated.status, status.code, status.reason]).toEqual([c.error.code, c.error.code, c.error.reason]);
    const text = status.details?.causes?.[0]?.message ?? status.message;
    expect(text.endsWith(c.error.message) || status.message === c.error.message).toBe(true);
    if (c.error.sameTextAsKubectl) expect(text).toContain((oracle as Extract<LocalResult, { ok: false }>).error.trim());
    return;
  }
  expect(oracle).toMatchObject({ ok: true });
  expect(simulated.status).toBe(200);
  const mine = comparable(simulated.json(), false);
  expect(mine).toEqual(comparable((oracle as Extract<LocalResult, { ok: true }>).object, true));
  if (c.shows) expect(c.shows(mine as never)).toEqual(c.shown ?? c.shows(mine as never));
});

test('the suite is large enough to mean something', () => {
  expect(PATCH_CASES.length).toBeGreaterThanOrEqual(40);
  expect(new Set(PATCH_CASES.map((c) => c.type))).toEqual(new Set(['strategic', 'merge', 'json']));
});

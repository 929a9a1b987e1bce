import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../src/sim/load-scenario.js';
import { parseScenario, ScenarioError } from '../../src/sim/parse-scenario.js';
import { scenariosDir } from '../../src/paths.js';

const VALID = `
namespaces:
  - name: shop
workloads:
  - kind: Deployment
    name: checkout
    namespace: shop
    initContainers:
      - name: migrate
        image: m:1
        limits: { memory: 64Mi }
        peakMemory: 96Mi
    containers:
      - name: app
        image: a:1
        peakMemory: 32Mi
        ports: [8080]
        http: { health: ok }
`;

function problems(text: string, source = 'scenarios/x.yaml'): readonly string[] {
  try {
    parseScenario(text, source);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

test('a valid scenario gets its defaults', () => {
  const s = parseScenario(VALID, 'x.yaml');
  expect(s.user).toBe('system:serviceaccount:oom-check:oom-check');
  expect(s.nodes).toEqual([{ name: 'sim-node-1', allocatable: { memory: '8Gi', cpu: '4', pods: 110 }, labels: {} }]);
  expect(s.workloads[0]?.containers[0]?.http).toMatchObject({ listenAfterSeconds: 0, healthPath: '/healthz', imageInfoPath: '/debug/image-info' });
});

test.each<[string, string, string]>([
  [
    'a bad quantity names the file, the path and the problem',
    VALID.replace('memory: 64Mi', 'memory: 64MB'),
    'scenarios/x.yaml: workloads[0].initContainers[0].limits.memory: "64MB" is not a Kubernetes quantity',
  ],
  ['an undeclared namespace', VALID.replace('namespace: shop', 'namespace: cart'), 'scenarios/x.yaml: workloads[0].namespace: "cart" is not declared under namespaces'],
  ['an unknown kind', VALID.replace('kind: Deployment', 'kind: CronJob'), 'scenarios/x.yaml: workloads[0].kind: Invalid option'],
  ['a typo in a field name', VALID.replace('peakMemory: 96Mi', 'peakMemroy: 96Mi'), 'scenarios/x.yaml: workloads[0].initContainers[0]: Unrecognized key: "peakMemroy"'],
  ['an uppercase name', VALID.replace('name: checkout', 'name: Checkout'), 'scenarios/x.yaml: workloads[0].name: must be an RFC 1123 subdomain'],
  ['an http port the container does not declare', VALID.replace('http: { health: ok }', 'http: { health: ok, port: 9090 }'), 'scenarios/x.yaml: workloads[0].containers[0].http.port: 9090 is not one of the container\'s ports'],
  ['requests above limits', VALID.replace('limits: { memory: 64Mi }', 'limits: { memory: 64Mi }\n        requests: { memory: 1Gi }'), 'workloads[0].initContainers[0].requests.memory: must be less than or equal to the memory limit 64Mi'],
  ['a malformed image-info digest', VALID.replace('http: { health: ok }', 'http: { imageInfo: { layers: [{ digest: "md5:x", size: 1 }], go: { version: go1.21.5, cgo_enabled: true }, binary: { size: 1, symtab_ratio: 0.3 } } }'), 'workloads[0].containers[0].http.imageInfo'],
  ['replicas on a DaemonSet', VALID.replace('kind: Deployment', 'kind: DaemonSet\n    replicas: 2'), 'workloads[0].replicas: a DaemonSet has no replicas'],
  ['YAML syntax', 'namespaces: [', 'scenarios/x.yaml:1:'],
  ['a quota in an undeclared namespace', `${VALID}quotas: [{ namespace: cart, name: q, hard: { limits.memory: 1Gi } }]`, 'quotas[0].namespace: "cart" is not declared under namespaces'],
  ['a quota that caps nothing', `${VALID}quotas: [{ namespace: shop, name: q, hard: {} }]`, 'quotas[0].hard: must cap at least one resource'],
  ['a limit range with a bad quantity', `${VALID}limitRanges: [{ namespace: shop, name: l, limits: [{ type: Container, max: { memory: lots } }] }]`, 'limitRanges[0].limits[0].max.memory: "lots" is not a Kubernetes quantity'],
  ['defaults on a Pod limit', `${VALID}limitRanges: [{ namespace: shop, name: l, limits: [{ type: Pod, default: { memory: 1Gi } }] }]`, "limitRanges[0].limits[0].default: may not be specified when `type` is 'Pod'"],
  ['a node with a bad allocatable', VALID.replace('namespaces:', 'nodes: [{ name: n1, allocatable: { memory: 8GB } }]\nnamespaces:'), 'nodes[0]'],
  ['a liveness probe on an init container', VALID.replace('peakMemory: 96Mi', 'peakMemory: 96Mi\n        livenessFailsAfterSeconds: 5'), 'workloads[0].initContainers[0].livenessFailsAfterSeconds: an init container has no liveness probe'],
  ['a digest that contradicts the pinned one', VALID.replace('image: m:1', `image: m@sha256:${'a'.repeat(64)}\n        digest: sha256:${'b'.repeat(64)}`), 'workloads[0].initContainers[0].digest: does not match the digest pinned in the image reference'],
  ['an image program serving http without a port', `${VALID}images: [{ image: x:1, peakMemory: 8Mi, http: { health: ok } }]`, 'images[0].http.port: is required for an image'],
  ['copies of a Deployment', VALID.replace('namespace: shop', 'namespace: shop\n    copies: 3'), 'workloads[0].copies: only a Pod has copies (a controller makes its own replicas)'],
  [
    'copies where admission would act',
    `${VALID.replace('kind: Deployment', 'kind: Pod').replace('namespace: shop', 'namespace: shop\n    copies: 3')}quotas: [{ namespace: shop, name: q, hard: { pods: "10" } }]`,
    'workloads[0].copies: copies skip admission: namespace "shop" has a quota or limit range',
  ],
  ['startMemory above the peak', VALID.replace('peakMemory: 96Mi', 'peakMemory: 96Mi\n        startMemory: 100Mi'), 'workloads[0].initContainers[0].startMemory: must not exceed peakMemory'],
])('%s', (_name, text, expected) => {
  expect(problems(text).join('\n')).toContain(expected);
});

test('every problem is reported, one per line', () => {
  const found = problems(VALID.replace('memory: 64Mi', 'memory: lots').replace('peakMemory: 32Mi', 'peakMemory: -1'));
  expect(found).toHaveLength(2);
  expect(found.every((line) => line.startsWith('scenarios/x.yaml: workloads[0].'))).toBe(true);
});

test('a missing file is a ScenarioError naming it', async () => {
  await expect(loadScenario('/nonexistent/oom.yaml')).rejects.toThrow('/nonexistent/oom.yaml: cannot read the scenario: no such file');
});

test.each(readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml')))('shipped scenario %s is valid', async (file) => {
  const scenario = await loadScenario(join(scenariosDir, file));
  expect(scenario.workloads.length).toBeGreaterThan(0);
});

test('bundled scenarios load by name, and the seed has what the issue asks for', async () => {
  const seed = await loadScenario('seed-oom');
  expect(seed.namespaces).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'secure', denied: true })]));
  const checkout = seed.workloads.find((w) => w.name === 'checkout');
  expect(checkout).toMatchObject({ kind: 'Deployment', namespace: 'shop', labels: { app: 'checkout' } });
  expect(checkout?.initContainers[0]).toMatchObject({ name: 'migrate', peakMemory: '96Mi', limits: { memory: '64Mi' } });
  expect(checkout?.initContainers[0]?.http?.imageInfo).toMatchObject({ go: { cgo_enabled: true }, binary: { symtab_ratio: 0.31 } });
  expect(checkout?.containers[0]).toMatchObject({ name: 'app', ports: [8080], http: { health: 'ok' } });
});

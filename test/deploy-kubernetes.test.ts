import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../src/paths.js';

/**
 * deploy/kubernetes, as `kubectl kustomize` builds it (the real kustomize inside kubectl), for the
 * base and every overlay. The RBAC check computes what the bot's service account may do, where,
 * from the built roles and bindings, and compares it with the calls the cluster adapter makes:
 * a missing grant fails, and so does any grant the adapter does not use.
 */

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  [key: string]: unknown;
}
interface Binding extends Manifest {
  roleRef: { kind: string; name: string };
  subjects: Array<{ kind: string; name: string; namespace?: string }>;
}
interface Container {
  args: string[];
  image: string;
  env: Array<{ name: string; value: string }>;
  ports: Array<{ name: string; containerPort: number }>;
  startupProbe?: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface Deployment extends Manifest {
  spec: {
    replicas: number;
    strategy: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: { securityContext: Record<string, unknown>; containers: Container[]; serviceAccountName: string; volumes: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }> } };
  };
}

const DIR = join(packageRoot, 'deploy', 'kubernetes');
const BOT = { name: 'oom-check', namespace: 'oom-check' };
/** `scope` is "*" for cluster-wide, else a namespace. */
type Grant = `${string} ${string} ${string} ${string}`; // scope verb group resource
const grant = (scope: string, verb: string, group: string, resource: string): Grant => `${scope} ${verb} ${group || 'core'} ${resource}`;

function build(dir: string): Manifest[] {
  const yaml = execFileSync('kubectl', ['kustomize', join(DIR, dir)], { encoding: 'utf8' });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as Manifest);
}

/** Every (scope, verb, group, resource) the bot's service account is granted in a build. */
function grantsOf(manifests: Manifest[]): Set<Grant> {
  const grants = new Set<Grant>();
  const role = (kind: string, name: string, namespace?: string) =>
    manifests.find((m) => m.kind === kind && m.metadata.name === name && (kind === 'ClusterRole' || m.metadata.namespace === namespace)) as (Manifest & { rules: Rule[] }) | undefined;
  for (const binding of manifests.filter((m): m is Binding => m.kind === 'ClusterRoleBinding' || m.kind === 'RoleBinding')) {
    if (!binding.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === BOT.name && s.namespace === BOT.namespace)) continue;
    const scope = binding.kind === 'ClusterRoleBinding' ? '*' : binding.metadata.namespace!;
    const bound = role(binding.roleRef.kind, binding.roleRef.name, binding.metadata.namespace);
    if (!bound) throw new Error(`${binding.kind} ${binding.metadata.name} refers to a missing ${binding.roleRef.kind} ${binding.roleRef.name}`);
    for (const rule of bound.rules) for (const verb of rule.verbs) for (const group of rule.apiGroups) for (const resource of rule.resources) grants.add(grant(scope, verb, group, resource));
  }
  return grants;
}

/** The API calls of the cluster adapter: every `{ verb, resource }` operation in kube-cluster.ts. */
function adapterCalls(): Array<{ verb: string; group: string; resource: string }> {
  const source = readFileSync(join(packageRoot, 'src', 'adapters', 'k8s', 'kube-cluster.ts'), 'utf8');
  const ops = [...source.matchAll(/verb: '([a-z]+)', resource: ('([a-z/]+)'|`\$\{RESOURCES\[[a-z.]+\]\}\.apps`)/g)];
  // Any operation written another way would be skipped silently: make that fail instead.
  expect(ops.length).toBe([...source.matchAll(/verb: '/g)].length);
  return ops.flatMap(([, verb, , resource]) => {
    if (resource !== undefined) return [{ verb: verb!, group: '', resource }];
    // readWorkload reads Deployments, StatefulSets, DaemonSets and ReplicaSets; patchWorkload patches the first three.
    const kinds = verb === 'get' ? ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] : ['deployments', 'statefulsets', 'daemonsets'];
    return kinds.map((kind) => ({ verb: verb!, group: 'apps', resource: kind }));
  });
}

/** The Lease calls of leader election (kube-lease-client.ts): made in the bot's own namespace only. */
function leaseCalls(): string[] {
  const source = readFileSync(join(packageRoot, 'src', 'adapters', 'k8s', 'kube-lease-client.ts'), 'utf8');
  const ops = [...source.matchAll(/verb: '([a-z]+)', resource: 'leases\.coordination\.k8s\.io'/g)].map(([, verb]) => verb!);
  expect(ops.length).toBe([...source.matchAll(/verb: '/g)].length);
  return ops;
}

const calls = adapterCalls();
const leaseVerbs = leaseCalls();
/** Detection reads pods and events: cluster-wide. GET /version (ping) is a non-resource URL any authenticated user may read. */
const isDetect = (call: { verb: string; resource: string }) => ['pods', 'events', 'nodes'].includes(call.resource) && ['get', 'list', 'watch'].includes(call.verb);
const detect = calls.filter(isDetect);
const act = calls.filter((call) => !isDetect(call) && call.resource !== 'version' && call.resource !== 'pods/exec');
const exec = calls.filter((call) => call.resource === 'pods/exec');

const BUILDS: Array<{ dir: string; actIn: string[]; rssPeak: boolean }> = [
  { dir: 'base', actIn: [], rssPeak: false },
  { dir: 'overlays/single-namespace', actIn: ['shop'], rssPeak: false },
  { dir: 'overlays/rss-peak', actIn: ['shop'], rssPeak: true },
  { dir: 'overlays/example-cluster', actIn: ['payments', 'shop'], rssPeak: false },
];

test('every overlay is checked here', () => {
  const overlays = readdirSync(join(DIR, 'overlays')).map((name) => `overlays/${name}`);
  expect(BUILDS.map((b) => b.dir).filter((dir) => dir.startsWith('overlays/')).sort()).toEqual(overlays.sort());
});

test('the adapter calls the test knows about are all there', () => {
  expect(detect.map((c) => `${c.verb} ${c.resource}`).sort()).toEqual(['get pods', 'list events', 'list nodes', 'list pods', 'list pods', 'list pods', 'watch pods']);
  expect(new Set(act.map((c) => `${c.verb} ${c.group}/${c.resource}`))).toEqual(
    new Set(['get apps/deployments', 'get apps/statefulsets', 'get apps/daemonsets', 'get apps/replicasets', 'patch apps/deployments', 'patch apps/statefulsets', 'patch apps/daemonsets', 'delete /pods', 'get /pods/proxy', 'list /resourcequotas', 'list /limitranges']),
  );
  expect(exec.map((c) => c.verb)).toEqual(['create']);
  expect(leaseVerbs.sort()).toEqual(['create', 'get', 'update']);
});

describe.each(BUILDS)('deploy/kubernetes/$dir', ({ dir, actIn, rssPeak }) => {
  const manifests = build(dir);
  const one = <T extends Manifest>(kind: string) => {
    const found = manifests.filter((m) => m.kind === kind);
    expect([kind, found.length]).toEqual([kind, 1]);
    return found[0] as T;
  };
  const deployment = one<Deployment>('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));

  test(`grants exactly what the adapter uses: detection cluster-wide, acting in ${actIn.join(', ') || 'no namespace'}${rssPeak ? ', exec there too' : ''}`, () => {
    const expected = new Set<Grant>();
    for (const call of detect) expected.add(grant('*', call.verb, call.group, call.resource));
    for (const namespace of actIn) {
      for (const call of act) expected.add(grant(namespace, call.verb, call.group, call.resource));
      if (rssPeak) {
        for (const call of exec) expected.add(grant(namespace, call.verb, call.group, call.resource));
        // The same exec call, as API servers before 1.30 authorize its WebSocket upgrade (an HTTP GET).
        expected.add(grant(namespace, 'get', '', 'pods/exec'));
      }
    }
    // Leader election (PRODUCT section 7): the Lease in the bot's own namespace only.
    for (const verb of leaseVerbs) expected.add(grant(BOT.namespace, verb, 'coordination.k8s.io', 'leases'));
    expect([...grantsOf(manifests)].sort()).toEqual([...expected].sort());
  });

  test('no wildcard, no secrets, nothing that acts bound cluster-wide', () => {
    const rules = manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'Role').flatMap((m) => (m as unknown as { rules: Rule[] }).rules);
    expect(rules.flatMap((rule) => [...rule.verbs, ...rule.resources, ...rule.apiGroups])).not.toContain('*');
    expect(rules.flatMap((rule) => rule.resources)).not.toContain('secrets');
    const clusterWide = manifests.filter((m): m is Binding => m.kind === 'ClusterRoleBinding').map((b) => b.roleRef.name);
    expect(clusterWide).toEqual(['oom-check-detect']);
  });

  test('OOM_CHECK_NAMESPACES lists exactly the namespaces where oom-check-act is bound', () => {
    const bound = manifests.filter((m): m is Binding => m.kind === 'RoleBinding' && (m as Binding).roleRef.name === 'oom-check-act').map((b) => b.metadata.namespace!);
    expect(bound.sort()).toEqual(actIn);
    expect(env.OOM_CHECK_NAMESPACES!.split(',').filter(Boolean).sort()).toEqual(actIn);
  });

  test('one non-root, read-only replica, recreated (never two writers on the SQLite volume), probed on /healthz and /readyz', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(pod.serviceAccountName).toBe(BOT.name);
    expect(container.args).toEqual(['serve']);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }]));
    expect(env.OOM_CHECK_DB_PATH).toBe('/data/oom-check.db');
    expect(JSON.stringify(container.env)).not.toMatch(/xoxb-|xapp-|SIGNING_SECRET|TOKEN/);
    const pvc = one<Manifest & { spec: { accessModes: string[] } }>('PersistentVolumeClaim');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(pod.volumes.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe(pvc.metadata.name);
  });

  test('the Service, NetworkPolicy and PodDisruptionBudget select the bot, and the budget never blocks a drain', () => {
    const labels = deployment.spec.template.metadata.labels;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);
    const service = one<Manifest & { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } }>('Service');
    expect(selects(service.spec.selector)).toBe(true);
    expect(container.ports.map((p) => p.name)).toContain(service.spec.ports[0]!.targetPort);
    const policy = one<Manifest & { spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Array<{ ports: Array<{ port: number }> }>; egress: Array<{ ports: Array<{ port: number; protocol: string }> }> } }>('NetworkPolicy');
    expect(selects(policy.spec.podSelector.matchLabels)).toBe(true);
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(policy.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([container.ports[0]!.containerPort]);
    const egressPorts = policy.spec.egress.flatMap((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`));
    expect(egressPorts).toEqual(expect.arrayContaining(['UDP/53', 'TCP/443']));
    const pdb = one<Manifest & { spec: { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number; minAvailable?: number } }>('PodDisruptionBudget');
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeUndefined();
    expect(pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(deployment.spec.replicas);
  });

  test('every namespaced object of the bot lives in its namespace', () => {
    for (const m of manifests) {
      if (['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(m.kind)) continue;
      if (m.kind === 'RoleBinding' && (m as Binding).roleRef.name === 'oom-check-act') continue;
      expect([m.kind, m.metadata.name, m.metadata.namespace]).toEqual([m.kind, m.metadata.name, BOT.namespace]);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../src/paths.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const documents = parseAllDocuments(readFileSync(join(packageRoot, 'deploy', 'kubernetes', 'oom-check.yaml'), 'utf8')).map((doc) => doc.toJS() as Record<string, unknown> & { kind: string });
const ofKind = <T>(kind: string) => documents.find((doc) => doc.kind === kind) as unknown as T;

describe('deploy/kubernetes/oom-check.yaml', () => {
  test('the role grants every verb the cluster adapter uses, and nothing wider', () => {
    const source = readFileSync(join(packageRoot, 'src', 'adapters', 'k8s', 'kube-cluster.ts'), 'utf8');
    const used = [...source.matchAll(/verb: '([a-z]+)', resource: ('([a-z/]+)'|`\$\{RESOURCES\[[a-z.]+\]\}\.apps`)/g)].map((match) => ({ verb: match[1]!, resource: match[3] ?? 'workloads.apps' }));
    expect(used.length).toBeGreaterThan(8);
    const { rules } = ofKind<{ rules: Rule[] }>('ClusterRole');
    const grants = (verb: string, group: string, resource: string) => rules.some((rule) => rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb));
    for (const { verb, resource } of used) {
      if (resource === 'version') continue; // a non-resource URL every authenticated user may read
      if (resource === 'workloads.apps') {
        for (const kind of ['deployments', 'statefulsets', 'daemonsets']) expect([verb, kind, grants(verb, 'apps', kind)]).toEqual([verb, kind, true]);
        if (verb === 'get') expect(grants('get', 'apps', 'replicasets')).toBe(true);
        continue;
      }
      expect([verb, resource, grants(verb, '', resource)]).toEqual([verb, resource, true]);
    }
    expect(rules.flatMap((rule) => [...rule.verbs, ...rule.resources, ...rule.apiGroups])).not.toContain('*');
    expect(rules.flatMap((rule) => rule.resources)).not.toEqual(expect.arrayContaining(['secrets']));
  });

  test('one non-root replica, recreated (never two writers on the SQLite volume), probed on /healthz and /readyz', () => {
    interface Container {
      args: string[];
      env: Array<{ name: string; value: string }>;
      readinessProbe: { httpGet: { path: string } };
      livenessProbe: { httpGet: { path: string } };
      securityContext: Record<string, unknown>;
      volumeMounts: Array<{ name: string; mountPath: string }>;
    }
    type PodSpec = { securityContext: Record<string, unknown>; containers: Container[]; serviceAccountName: string };
    const deployment = ofKind<{ spec: { replicas: number; strategy: { type: string }; template: { spec: PodSpec } } }>('Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    const container = pod.containers[0]!;
    expect(container.args).toEqual(['serve']);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'data', mountPath: '/data' }]));
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'OOM_CHECK_DB_PATH', value: '/data/oom-check.db' }]));
    expect(JSON.stringify(container.env)).not.toMatch(/xoxb-|SIGNING_SECRET/);
    expect(pod.serviceAccountName).toBe('oom-check');
  });
});

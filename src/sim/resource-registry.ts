/**
 * The resources the simulator serves. Discovery, routing, RBAC messages and Status details all read
 * this one table, so a resource cannot be routable yet missing from discovery (kubectl resolves
 * `deploy` or `po` through discovery before it sends anything else).
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, as in URLs and RBAC. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  verbs: readonly Verb[];
  shortNames?: readonly string[];
  categories?: readonly string[];
}

const READ: readonly Verb[] = ['get', 'list', 'watch'];
const WORKLOAD: readonly Verb[] = ['get', 'list', 'watch', 'patch', 'update'];

export const RESOURCES: readonly ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    namespaced: false,
    verbs: READ,
    shortNames: ['ns'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    listKind: 'PodList',
    namespaced: true,
    verbs: [...READ, 'delete'],
    shortNames: ['po'],
    categories: ['all'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    listKind: 'NodeList',
    namespaced: false,
    verbs: READ,
    shortNames: ['no'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    listKind: 'ResourceQuotaList',
    namespaced: true,
    verbs: READ,
    shortNames: ['quota'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    listKind: 'LimitRangeList',
    namespaced: true,
    verbs: READ,
    shortNames: ['limits'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    verbs: READ,
    shortNames: ['ev'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    namespaced: true,
    verbs: WORKLOAD,
    shortNames: ['deploy'],
    categories: ['all'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    namespaced: true,
    verbs: WORKLOAD,
    shortNames: ['rs'],
    categories: ['all'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    listKind: 'StatefulSetList',
    namespaced: true,
    verbs: WORKLOAD,
    shortNames: ['sts'],
    categories: ['all'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    listKind: 'DaemonSetList',
    namespaced: true,
    verbs: WORKLOAD,
    shortNames: ['ds'],
    categories: ['all'],
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    listKind: 'LeaseList',
    namespaced: true,
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
];

/** Subresources listed in discovery (served by dedicated handlers, not the generic REST ones). */
export const SUBRESOURCES = [
  { group: '', resource: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { group: '', resource: 'pods/proxy', kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
] as const;

export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The definition for `group/version` + plural, if served. */
export function findResource(group: string, version: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The definition for a kind such as `Pod` or `Deployment`. */
export function resourceForKind(kind: string): ResourceDef {
  const def = RESOURCES.find((r) => r.kind === kind);
  if (!def) throw new Error(`simulator: no resource serves kind ${kind}`);
  return def;
}

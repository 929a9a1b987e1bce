/**
 * /version and the legacy (non-aggregated) discovery documents. kubectl asks for aggregated
 * discovery first but accepts plain APIVersions / APIGroupList JSON as the fallback, so serving
 * only the plain form keeps this small while staying what a 1.32 server may answer.
 */
import { RESOURCES, SUBRESOURCES, apiVersionOf, type ResourceDef } from './resource-registry.js';

/** Minor 32 makes the kubectl dispatcher on the machine pick its bundled kubectl 1.32. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac5c4ee20b',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:00:00Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

const GROUPS = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];

function groupDoc(group: string): Record<string, unknown> {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))].map((v) => ({
    groupVersion: `${group}/${v}`,
    version: v,
  }));
  return { name: group, versions, preferredVersion: versions[0] };
}

function resourceEntry(def: ResourceDef): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: def.resource,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: [...def.verbs].sort(),
  };
  if (def.shortNames) entry.shortNames = def.shortNames;
  if (def.categories) entry.categories = def.categories;
  return entry;
}

/** The discovery document at `path`, or undefined when the path is not a discovery path. */
export function discoveryDocument(path: string, serverAddress: string): unknown {
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (path === '/apis') {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(groupDoc) };
  }
  const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
  if (groupMatch && GROUPS.includes(groupMatch[1] ?? '')) {
    return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(groupMatch[1] ?? '') };
  }
  const versionMatch = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!versionMatch) return undefined;
  const group = versionMatch[2] ?? '';
  const version = versionMatch[1] ?? versionMatch[3] ?? '';
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  const subresources = SUBRESOURCES.filter((s) => s.group === group).map((s) => ({
    name: s.resource,
    singularName: '',
    namespaced: true,
    kind: s.kind,
    verbs: [...s.verbs],
  }));
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(defs[0] as ResourceDef),
    resources: [...defs.map(resourceEntry), ...subresources],
  };
}

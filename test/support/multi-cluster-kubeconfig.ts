import { stringify } from 'yaml';

/**
 * One kubeconfig file with a context per API server (`ctx-a` -> the first, ...), as a user with
 * several clusters has: what OOM_CHECK_CLUSTERS maps names to. Plain http, no credentials.
 */
export function multiClusterKubeconfig(servers: Record<string, string>): string {
  const names = Object.keys(servers);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((name) => ({ name: `cluster-${name}`, cluster: { server: servers[name] } })),
    users: names.map((name) => ({ name: `user-${name}`, user: {} })),
    contexts: names.map((name) => ({ name: `ctx-${name}`, context: { cluster: `cluster-${name}`, user: `user-${name}` } })),
    'current-context': `ctx-${names[0]}`,
    preferences: {},
  });
}

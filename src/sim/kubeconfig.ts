/**
 * A kubeconfig for the simulator, in two shapes: the options object client-node's
 * `KubeConfig.loadFromOptions` takes, and the YAML file kubectl reads. No credentials: over plain
 * HTTP the simulator asks for none, and a file with a token in it would only invite copying.
 */
import { stringify } from 'yaml';

export const CONTEXT_NAME = 'oom-check-sim';

export interface KubeconfigOptions {
  clusters: Array<{ name: string; server: string; skipTLSVerify: boolean }>;
  users: Array<{ name: string }>;
  contexts: Array<{ name: string; cluster: string; user: string; namespace?: string }>;
  currentContext: string;
}

export function kubeconfigOptions(server: string, namespace?: string): KubeconfigOptions {
  const context: KubeconfigOptions['contexts'][number] = { name: CONTEXT_NAME, cluster: CONTEXT_NAME, user: CONTEXT_NAME };
  if (namespace) context.namespace = namespace;
  return {
    // client-node refuses plain http unless TLS verification is off; kubectl ignores the flag for http.
    clusters: [{ name: CONTEXT_NAME, server, skipTLSVerify: true }],
    users: [{ name: CONTEXT_NAME }],
    contexts: [context],
    currentContext: CONTEXT_NAME,
  };
}

export function kubeconfigYaml(server: string, namespace?: string): string {
  const context: Record<string, string> = { cluster: CONTEXT_NAME, user: CONTEXT_NAME };
  if (namespace) context.namespace = namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: CONTEXT_NAME, user: {} }],
    contexts: [{ name: CONTEXT_NAME, context }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

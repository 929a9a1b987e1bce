import { KubeConfig, type Cluster } from '@kubernetes/client-node';
import { ErrorCode, OomCheckError } from '../../core/errors.js';

/**
 * The kubeconfig oom-check acts with: the file named by config (KUBECONFIG), else the client's
 * default (~/.kube/config, or the in-cluster service account), and the context KUBE_CONTEXT names.
 */
export function loadKubeConfig(options: { kubeconfig: string | null; context: string | null; /** Where the context was named, for the error: `KUBE_CONTEXT` by default. */ contextFrom?: string }): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfig) {
      if (options.kubeconfig.includes(':')) {
        throw new Error('several files are not supported; merge them with "kubectl config view --flatten > FILE"');
      }
      kc.loadFromFile(options.kubeconfig);
    } else {
      kc.loadFromDefault();
    }
  } catch (error) {
    throw new OomCheckError(ErrorCode.ConfigInvalid, `KUBECONFIG=${JSON.stringify(options.kubeconfig ?? '(default)')} cannot be loaded: ${(error as Error).message}`);
  }
  if (options.context) {
    const names = kc.getContexts().map((context) => context.name);
    if (!names.includes(options.context)) {
      throw new OomCheckError(
        ErrorCode.ConfigInvalid,
        `${options.contextFrom ?? `KUBE_CONTEXT=${JSON.stringify(options.context)}`} is not a context of the kubeconfig; it has: ${names.join(', ') || 'none'}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new OomCheckError(ErrorCode.ConfigInvalid, 'the kubeconfig has no current cluster: set KUBE_CONTEXT or the current-context of KUBECONFIG');
  }
  allowPlainHttp(kc);
  return kc;
}

/**
 * A cluster whose server is plain http:// (`kubectl proxy` on 127.0.0.1:8001, a local test API
 * server) has no TLS, so there is nothing to verify; kubectl connects to it as is. client-node
 * refuses it unless `insecure-skip-tls-verify` is set ("HTTP protocol is not allowed when
 * skipTLSVerify is not set"), and it checks that flag when it builds the agent of every request:
 * its API calls, `applyToHTTPSOptions` (rawGet, rawWatch) and exec's WebSocket. So the flag is set
 * here, once, on http:// clusters only, where it changes nothing on the wire; https:// clusters
 * keep certificate verification exactly as their kubeconfig says.
 */
function allowPlainHttp(kc: KubeConfig): void {
  const isPlainHttp = (cluster: Cluster) => cluster.server.startsWith('http:') && !cluster.skipTLSVerify;
  const clusters = kc.getClusters();
  if (!clusters.some(isPlainHttp)) return;
  kc.loadFromOptions({
    clusters: clusters.map((cluster) => (isPlainHttp(cluster) ? { ...cluster, skipTLSVerify: true } : cluster)),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
}

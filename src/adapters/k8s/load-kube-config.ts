import { KubeConfig } from '@kubernetes/client-node';
import { ErrorCode, OomCheckError } from '../../core/errors.js';

/**
 * The kubeconfig oom-check acts with: the file named by config (KUBECONFIG), else the client's
 * default (~/.kube/config, or the in-cluster service account), and the context KUBE_CONTEXT names.
 */
export function loadKubeConfig(options: { kubeconfig: string | null; context: string | null }): KubeConfig {
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
        `KUBE_CONTEXT=${JSON.stringify(options.context)} is not a context of the kubeconfig; it has: ${names.join(', ') || 'none'}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new OomCheckError(ErrorCode.ConfigInvalid, 'the kubeconfig has no current cluster: set KUBE_CONTEXT or the current-context of KUBECONFIG');
  }
  return kc;
}

import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterEntry } from '../../cluster-config.js';
import { KubeCluster, type KubeTimeouts } from './kube-cluster.js';
import { loadKubeConfig } from './load-kube-config.js';

export interface ConnectedCluster {
  cluster: KubeCluster;
  /** Its kubeconfig with its context current: the Lease is taken with the same credentials. */
  kubeConfig: KubeConfig;
}

/**
 * One KubeCluster per cluster the configuration names (OOM_CHECK_CLUSTERS), or the one of
 * KUBE_CONTEXT / the current context, named after it. Nothing is contacted here: a cluster that
 * does not answer is found out (and reported) by the calls made to it, never at start.
 */
export function connectClusters(config: { kubeconfig: string | null; context: string | null; clusters: readonly ClusterEntry[] | null; timeouts: KubeTimeouts }): ConnectedCluster[] {
  if (config.clusters === null) {
    const kubeConfig = loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.context });
    return [{ cluster: new KubeCluster(kubeConfig, config.timeouts), kubeConfig }];
  }
  return config.clusters.map(({ name, context }) => {
    const kubeConfig = loadKubeConfig({ kubeconfig: config.kubeconfig, context, contextFrom: `OOM_CHECK_CLUSTERS names the context ${JSON.stringify(context)} (cluster ${name}), which` });
    return { cluster: new KubeCluster(kubeConfig, config.timeouts, name), kubeConfig };
  });
}

/** The clusters of a CLI command: those of the configuration, or only the one `--context` names. */
export function commandClusters(config: Parameters<typeof connectClusters>[0], context: string | undefined): KubeCluster[] {
  const chosen = context === undefined ? config : { ...config, context, clusters: null };
  return connectClusters(chosen).map((entry) => entry.cluster);
}

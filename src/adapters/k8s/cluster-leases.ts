import { readFileSync } from 'node:fs';
import type { LeaseSettings } from '../../cluster-config.js';
import type { Clock, Logger } from '../../core/ports.js';
import { Leaders } from '../../runbook/leaders.js';
import { LeaseElector } from '../../runbook/lease-elector.js';
import type { ConnectedCluster } from './connect-clusters.js';
import { KubeLeaseClient } from './kube-lease-client.js';

/** Where a pod's service account token says which namespace it runs in. */
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The bot's own namespace inside a cluster, else `default` (a bot run outside any cluster). */
function ownNamespace(): string {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}

/**
 * One Lease per cluster, each taken with that cluster's credentials, by the same name and namespace
 * in every cluster. A Lease request waits at most the API deadline, and never longer than a third
 * of the duration: a renewal must be able to fail and be retried before the renew deadline.
 */
export function clusterLeases(
  clusters: readonly ConnectedCluster[],
  settings: LeaseSettings,
  deps: { identity: string; requestMs: number; clock: Clock; log: Logger; onChange(cluster: string, leading: boolean): void },
): Leaders {
  const namespace = settings.namespace ?? ownNamespace();
  const requestMs = Math.min(deps.requestMs, Math.floor((settings.durationSeconds * 1000) / 3));
  const electors = new Map(
    clusters.map(({ cluster, kubeConfig }) => {
      const client = new KubeLeaseClient(kubeConfig, { name: settings.name, namespace }, requestMs);
      const elector = new LeaseElector(
        { client, clock: deps.clock, log: deps.log, onChange: (leading) => deps.onChange(cluster.name, leading) },
        { cluster: cluster.name, identity: deps.identity, durationSeconds: settings.durationSeconds },
      );
      return [cluster.name, elector] as const;
    }),
  );
  return new Leaders(electors);
}

import { dedupeKeyFor, type Trigger } from '../core/incident.js';
import type { Pod } from '../core/k8s-types.js';
import type { Cluster } from '../core/ports.js';
import { resolveOwner } from '../runbook/resolve-owner.js';
import { startIncident } from '../runbook/start-incident.js';
import type { TriggerDeps } from './trigger-deps.js';

/**
 * Opens an incident for a pod the bot found OOMKilled by itself (the watch, the sweep), unless one
 * covers it: an open incident for the pod's workload, or any incident for this very pod (a
 * rejected one is not reopened while the same pod keeps failing). Returns the incident opened.
 */
export async function openUncovered(deps: TriggerDeps & { allowedNamespaces: readonly string[] }, cluster: Cluster, pod: Pod, trigger: Extract<Trigger, 'watch' | 'sweep'>): Promise<number | null> {
  const namespace = pod.metadata.namespace ?? '';
  const ref = { cluster: cluster.name, namespace, pod: pod.metadata.name };
  if (deps.incidents.latestIncidentForPod(ref)) return null;
  const owner = await resolveOwner(cluster, pod);
  if (deps.incidents.findOpenIncident(dedupeKeyFor({ ...ref, owner }))) return null;
  const { incident, created } = await startIncident(deps, {
    cluster: cluster.name,
    namespace,
    pod: pod.metadata.name,
    trigger,
    actor: trigger,
    runbook: deps.runbook,
    maxLimitBytes: deps.maxLimitBytes,
    allowedNamespaces: deps.allowedNamespaces,
  });
  deps.onIncident(incident.id, created);
  return created ? incident.id : null;
}

import { dedupeKeyFor } from '../core/incident.js';
import { diagnoseOom } from '../core/rules/diagnose-oom.js';
import { resolveOwner } from '../runbook/resolve-owner.js';
import { startIncident } from '../runbook/start-incident.js';
import type { TriggerDeps } from './trigger-deps.js';

export const SWEEP_ACTOR = 'sweep';

export interface SweepDeps extends TriggerDeps {
  allowedNamespaces: readonly string[];
}

/**
 * The scheduled sweep: pods with an OOMKilled init container that no incident covers get one
 * (trigger `sweep`; its run stops at the approval gate like any other, and never auto-approves).
 * Covered means: an open incident for the pod's workload, or any incident for this very pod
 * (a rejected one is not reopened every minute while the same pod keeps failing).
 */
export async function sweep(deps: SweepDeps): Promise<{ oomKilled: number; opened: number[] }> {
  const namespaces = deps.allowedNamespaces.length > 0 ? deps.allowedNamespaces : [null];
  const pods = (await Promise.all(namespaces.map((namespace) => deps.cluster.listPods(namespace, '')))).flat();
  const candidates = pods.filter((pod) => {
    const diagnosis = diagnoseOom(pod);
    return diagnosis.verdict === 'oom-killed' && diagnosis.container.kind === 'init' && !pod.metadata.deletionTimestamp;
  });
  const opened: number[] = [];
  for (const pod of candidates) {
    const namespace = pod.metadata.namespace ?? '';
    const ref = { cluster: deps.cluster.name, namespace, pod: pod.metadata.name };
    if (deps.incidents.latestIncidentForPod(ref)) continue;
    const owner = await resolveOwner(deps.cluster, pod);
    if (deps.incidents.findOpenIncident(dedupeKeyFor({ ...ref, owner }))) continue;
    const { incident, created } = await startIncident(deps, {
      namespace,
      pod: pod.metadata.name,
      trigger: 'sweep',
      actor: SWEEP_ACTOR,
      runbook: deps.runbook,
      maxLimitBytes: deps.maxLimitBytes,
      allowedNamespaces: deps.allowedNamespaces,
    });
    if (created) opened.push(incident.id);
    deps.onIncident(incident.id, created);
  }
  if (opened.length > 0) deps.log.info({ opened }, 'the sweep opened incidents for OOMKilled pods no alert reported');
  return { oomKilled: candidates.length, opened };
}

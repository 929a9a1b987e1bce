import { checkTarget } from '../core/check-target.js';
import type { Incident, Trigger } from '../core/incident.js';
import type { Clusters } from '../core/clusters.js';
import type { Clock, IncidentStore, RunStore } from '../core/ports.js';
import { ErrorCode, isOomCheckError } from '../core/errors.js';
import type { RunRecord } from '../core/run.js';
import { assessImpact } from './assess-impact.js';
import { resolveOwner } from './resolve-owner.js';
import type { Runbook } from '../core/runbook-schema.js';
import type { Lifecycle } from './lifecycle.js';

export interface StartRequest {
  /** The cluster's name; the default cluster when null or absent. */
  cluster?: string | null;
  namespace: string;
  pod: string;
  trigger: Trigger;
  actor: string;
  runbook: Runbook;
  maxLimitBytes: number;
  allowedNamespaces: readonly string[];
}

export interface StartedIncident {
  incident: Incident;
  run: RunRecord;
  /** False when the pod's workload already had an open incident, which this joined. */
  created: boolean;
}

/**
 * Opens the incident for a pod (or joins the open one of its workload) with its checklist run.
 * A run that has not finished for this very pod is joined before the pod is read: after a patch
 * the pod may be gone, and the run must still resume. An open incident whose run ended declined,
 * expired or rolled back is superseded (the lifecycle closes it) and a new one starts: that is
 * how "run it again" works on a workload that still fails.
 */
export async function startIncident(
  deps: { incidents: IncidentStore; runs: RunStore; clusters: Clusters; clock: Clock; lifecycle: Pick<Lifecycle, 'supersede'> },
  request: StartRequest,
): Promise<StartedIncident> {
  checkTarget(request.namespace, request.pod, request.allowedNamespaces);
  const { incidents, runs, clock } = deps;
  const cluster = deps.clusters.get(request.cluster);
  const unfinished = runs.findUnfinishedRun({ cluster: cluster.name, namespace: request.namespace, pod: request.pod });
  if (unfinished) return { incident: incidents.getIncident(unfinished.incidentId)!, run: unfinished, created: false };

  const pod = await cluster.getPod(request.namespace, request.pod);
  const owner = await resolveOwner(cluster, pod);
  const at = clock.now().toISOString();
  const open = () =>
    incidents.openIncident({
      cluster: cluster.name,
      namespace: request.namespace,
      pod: request.pod,
      owner,
      container: null,
      trigger: request.trigger,
      openedAt: at,
      actor: request.actor,
    });
  let { incident, created } = open();
  if (!created && deps.lifecycle.supersede(incident.id, request.actor)) ({ incident, created } = open());
  const existing = runs.getRun(incident.id);
  if (existing) return { incident, run: existing, created };
  let run: RunRecord;
  try {
    run = runs.createRun(incident.id, { target: { cluster: cluster.name, namespace: request.namespace, pod: request.pod }, runbook: request.runbook, maxLimitBytes: request.maxLimitBytes }, at);
  } catch (error) {
    // Another process created the run between the read and the write: join it.
    const raced = isOomCheckError(error, ErrorCode.IncidentInvalid) ? runs.getRun(incident.id) : undefined;
    if (!raced) throw error;
    return { incident, run: raced, created: false };
  }
  incidents.append({ incidentId: incident.id, at, kind: 'note', actor: request.actor, data: { text: `checklist ${request.runbook.name} started`, budgetSeconds: request.runbook.budgetSeconds } });
  if (created) await assessImpact({ cluster, incidents, clock }, incident, pod);
  return { incident, run, created };
}

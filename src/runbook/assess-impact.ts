import type { Incident } from '../core/incident.js';
import { PATCHABLE_KINDS, type Pod } from '../core/k8s-types.js';
import type { Clock, Cluster, IncidentStore } from '../core/ports.js';
import { assessSeverity, impactOf, impactOfBarePod, type Impact } from '../core/rules/assess-severity.js';
import { SYSTEM_ACTOR } from '../core/timeline.js';

async function readImpact(cluster: Cluster, incident: Incident, pod: Pod): Promise<Impact> {
  const owner = incident.owner;
  if (!owner || !(PATCHABLE_KINDS as readonly string[]).includes(owner.kind)) return impactOfBarePod(pod);
  const workload = await cluster.getWorkload(incident.namespace, owner);
  const selector = Object.entries(workload.spec.selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  const pods = selector === '' ? [pod] : await cluster.listPods(incident.namespace, selector);
  return impactOf(workload, pods);
}

/**
 * The incident's severity when it opens, from its workload's status (the Cluster port: the
 * workload, then its pods): a `severity.set` row with the reason and `assessed: true`. A cluster
 * that does not answer leaves the severity unassessed, said on the timeline; the checklist goes on
 * and a person can still set it (`/oom-check severity`).
 */
export async function assessImpact(deps: { cluster: Cluster; incidents: IncidentStore; clock: Clock }, incident: Incident, pod: Pod): Promise<void> {
  const at = () => deps.clock.now().toISOString();
  try {
    const { severity, reason } = assessSeverity(await readImpact(deps.cluster, incident, pod));
    deps.incidents.append({ incidentId: incident.id, at: at(), kind: 'severity.set', actor: SYSTEM_ACTOR, data: { severity, reason, assessed: true } });
  } catch (error) {
    deps.incidents.append({ incidentId: incident.id, at: at(), kind: 'note', actor: SYSTEM_ACTOR, data: { text: `severity not assessed: ${(error as Error).message}` } });
  }
}

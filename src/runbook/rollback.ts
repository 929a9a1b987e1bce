import type { Clock, Cluster, IncidentStore, RunStore } from '../core/ports.js';
import { buildLimitPatch, hasMemoryLimit } from '../core/rules/build-patch.js';
import { ClusterError } from '../core/cluster-error.js';
import type { Runbook } from './runbook-schema.js';
import { resultAs } from './step-types.js';
import type { ApplyResult } from './steps/apply-step.js';
import type { DetectResult } from './steps/detect-step.js';

export type RollbackAnswer =
  | { outcome: 'rolled-back'; workload: string; limit: string | null }
  | { outcome: 'already-rolled-back'; actor: string; at: string }
  | { outcome: 'not-possible'; message: string };

/**
 * Restores the memory limit the workload had before the patch (recorded by apply before it
 * acted), dry-run first, and closes the incident as rolled back. Offered until the incident closes.
 */
export async function rollback(
  deps: { incidents: IncidentStore; runs: RunStore; cluster: Cluster; clock: Clock },
  incidentId: number,
  actor: string,
): Promise<RollbackAnswer> {
  const incident = deps.incidents.getIncident(incidentId);
  const run = deps.runs.getRun(incidentId);
  if (!incident || !run) return { outcome: 'not-possible', message: `incident ${incidentId} has no checklist run` };
  const done = deps.incidents.timeline(incidentId).find((event) => event.kind === 'patch.rolled-back');
  if (done) return { outcome: 'already-rolled-back', actor: done.actor, at: done.at };
  if (incident.status === 'closed') return { outcome: 'not-possible', message: `incident ${incidentId} is closed (${incident.verdict}): roll back by hand if you must` };
  if (run.status !== 'finished') return { outcome: 'not-possible', message: 'the checklist is still running: roll back once it has ended' };
  const apply = run.steps.find((step) => step.step === 'apply');
  const applied = resultAs<ApplyResult>(apply?.result ?? {});
  if (apply?.status !== 'succeeded' || !applied.before || applied.alreadyApplied) {
    return { outcome: 'not-possible', message: 'oom-check applied no patch in this incident: there is nothing to roll back' };
  }
  const detect = resultAs<DetectResult>(run.steps.find((step) => step.step === 'detect')?.result ?? {});
  const owner = incident.owner!;
  const kind = detect.containerKind ?? 'init';
  const container = detect.container ?? '';
  const namespace = incident.namespace;
  const workload = `${owner.kind} ${namespace}/${owner.name}`;
  const patch = buildLimitPatch({ kind, container, limit: applied.before.limit });
  const fieldManager = (run.spec.runbook as unknown as Runbook).steps.apply.fieldManager;
  const preview = await deps.cluster.patchWorkload(namespace, owner, patch, { dryRun: true, fieldManager });
  if (applied.before.limit && !hasMemoryLimit(preview, kind, container, applied.before.limit)) {
    throw new ClusterError('Invalid', `the server's dry-run of the rollback on ${workload} did not restore ${applied.before.limit}; nothing was changed`);
  }
  await deps.cluster.patchWorkload(namespace, owner, patch, { dryRun: false, fieldManager });
  const at = deps.clock.now().toISOString();
  deps.incidents.appendMany([
    { incidentId, at, kind: 'decision', actor, step: 'apply', data: { decision: 'rollback' } },
    {
      incidentId,
      at,
      kind: 'patch.rolled-back',
      actor,
      step: 'apply',
      data: { workload, container, before: { 'limits.memory': applied.limit ?? '' }, after: { 'limits.memory': applied.before.limit ?? '(none)' } },
    },
  ]);
  deps.incidents.closeIncident(incidentId, { at, verdict: 'rolled-back', actor, summary: `limits.memory restored to ${applied.before.limit ?? '(none)'} on ${workload}` });
  return { outcome: 'rolled-back', workload, limit: applied.before.limit };
}

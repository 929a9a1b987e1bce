import { ClusterError } from '../../core/cluster-error.js';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import type { WorkloadRef } from '../../core/incident.js';
import type { Workload } from '../../core/k8s-types.js';
import { buildImageSwapPatch } from '../../core/rules/build-image-swap-patch.js';
import { findSpecContainer } from '../../core/rules/find-spec-container.js';
import type { ApplyResult } from '../../core/step-results.js';
import type { StepContext, StepEvent, StepOutcome } from '../step-types.js';
import { podUids, releaseStuckPods, selectorOf } from './workload-pods.js';

const probeOf = (workload: Workload, container: string) => workload.spec.template.spec.containers.find((c) => c.name === container)?.readinessProbe ?? null;

/**
 * The seed's quick downgrade, approved: swap the init container's image for the slim one (and add
 * its exec probe), dry-run first. Intent before effect, as for the limit: the image and probe it
 * replaces are recorded before the first request that writes, so an attempt cut short after the
 * server applied the swap is recognised as its own, and rollback can restore them.
 */
export async function applyDowngrade(context: StepContext<'apply'>): Promise<StepOutcome> {
  const { cluster, incident, run, runbook, required, previous, checkpoint } = context;
  const { containerKind: kind, container } = required('detect');
  const approval = required('approve');
  const offer = required('propose').downgrade;
  if (!offer) throw new OomCheckError(ErrorCode.RunStateInvalid, `incident ${incident.id}: the quick downgrade was approved but the proposal offered none`);
  const namespace = run.spec.target.namespace;
  const owner = incident.owner as WorkloadRef;
  const workloadName = `${owner.kind} ${namespace}/${owner.name}`;

  const workload = await cluster.getWorkload(namespace, owner);
  const spec = findSpecContainer(workload.spec.template.spec, kind, container);
  if (!spec) throw new ClusterError('Invalid', `${workloadName} has no initContainer ${container} in its pod template any more; re-run the checklist`);
  const selector = selectorOf(workload);
  const limits = { limit: spec.resources?.limits?.memory ?? null, request: spec.resources?.requests?.memory ?? null };
  const swap = previous.swap ?? {
    container,
    beforeImage: spec.image ?? '',
    image: offer.image,
    probe: offer.probe,
    probeBefore: offer.probe ? JSON.stringify(probeOf(workload, offer.probe.container)) : null,
  };
  const diff = { workload: workloadName, container, before: { image: swap.beforeImage }, after: { image: offer.image, ...(offer.probe ? { readinessProbe: offer.probe.command.join(' ') } : {}) } };
  const patchEvent = (facts: { alreadyApplied: boolean; recovered?: boolean }): StepEvent => ({ kind: 'patch.applied', actor: approval.actor, data: { ...diff, fix: 'downgrade', dryRunFirst: runbook.steps.apply.dryRunFirst, ...facts } });
  // The limit is not what changes: it is kept as it was, for the record and for the wait.
  const base = { before: limits, limit: limits.limit ?? '', selector, swap };

  if (spec.image === offer.image) {
    const ours = previous.intentAt !== undefined;
    const result: ApplyResult = { ...base, podUids: previous.podUids ?? [], alreadyApplied: !ours, ...(ours ? { intentAt: previous.intentAt, recovered: true } : {}) };
    await releaseStuckPods(context, workload, selector, result.podUids);
    const how = ours ? 'its swap from an interrupted attempt is in place (recorded now)' : 'someone else swapped it: not patched again, nothing to roll back';
    return { status: 'succeeded', message: `${workloadName} already runs ${offer.image} in ${container}: ${how}`, result: { ...result }, events: [patchEvent(ours ? { alreadyApplied: false, recovered: true } : { alreadyApplied: true })] };
  }

  const uids = previous.podUids ?? (await podUids(context, selector));
  const intentAt = context.clock.now().toISOString();
  checkpoint({ ...base, podUids: uids, intentAt }, [{ kind: 'patch.intent', actor: approval.actor, data: { ...diff, fix: 'downgrade' } }]);
  const plan = buildImageSwapPatch({ kind, container, image: offer.image, probe: offer.probe });
  if (!plan.ok) throw new ClusterError('Invalid', `the quick downgrade cannot be built: ${plan.reason}`);
  const options = { fieldManager: runbook.steps.apply.fieldManager };
  if (runbook.steps.apply.dryRunFirst) {
    const preview = await cluster.patchWorkload(namespace, owner, plan.patch, { ...options, dryRun: true });
    if (findSpecContainer(preview.spec.template.spec, kind, container)?.image !== offer.image) {
      throw new ClusterError('Invalid', `the server's dry-run of the swap on ${workloadName} did not set image ${offer.image}; nothing was changed`);
    }
  }
  const patched = await cluster.patchWorkload(namespace, owner, plan.patch, { ...options, dryRun: false });
  const result: ApplyResult = { ...base, podUids: uids, intentAt, alreadyApplied: false };
  await releaseStuckPods(context, patched, selector, uids);
  return {
    status: 'succeeded',
    message: `swapped ${workloadName} initContainer ${container}: ${swap.beforeImage || '(no image)'} -> ${offer.image}${offer.probe ? `, exec readinessProbe on ${offer.probe.container}` : ''}${runbook.steps.apply.dryRunFirst ? ' (server dry-run passed first)' : ''}`,
    result: { ...result },
    events: [patchEvent({ alreadyApplied: false })],
  };
}

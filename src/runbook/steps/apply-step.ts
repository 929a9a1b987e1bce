import { ClusterError } from '../../core/cluster-error.js';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import type { WorkloadRef } from '../../core/incident.js';
import { buildLimitPatch, hasMemoryLimit, memoryOf, requestFollowsLimit } from '../../core/rules/build-patch.js';
import type { ApplyResult } from '../../core/step-results.js';
import type { Step, StepEvent } from '../step-types.js';
import { applyDowngrade } from './apply-downgrade.js';
import { podUids, releaseStuckPods, selectorOf } from './workload-pods.js';

/**
 * Dry-runs then applies the approved limit. Intent before effect: the old values, the new limit and
 * the current pods are recorded (with a `patch.intent` row) before the first request that writes.
 * A resumed attempt that finds the limit in place after its own intent knows the patch is its own
 * (the server applied it, the process died before recording it) and records it as applied, so
 * rollback works; a limit found in place without an intent was set by someone else.
 */
export const applyStep: Step<'apply'> = async (context) => {
  const { cluster, incident, run, runbook, required, previous, checkpoint } = context;
  const detect = required('detect');
  const approval = required('approve');
  const namespace = run.spec.target.namespace;
  const owner = incident.owner as WorkloadRef;
  const { containerKind: kind, container } = detect;
  if (approval.fix === 'downgrade') return applyDowngrade(context);
  const limit = approval.limit;
  if (approval.decision !== 'approve' || !limit) throw new OomCheckError(ErrorCode.RunStateInvalid, `incident ${incident.id}: apply reached without an approved limit`);
  const settings = runbook.steps.apply;

  const workload = await cluster.getWorkload(namespace, owner);
  const current = memoryOf(workload, kind, container);
  if (!current) {
    throw new ClusterError('Invalid', `${owner.kind} ${namespace}/${owner.name} has no ${kind === 'init' ? 'initContainer' : 'container'} ${container} in its pod template any more; re-run the checklist`);
  }
  const selector = selectorOf(workload);
  const before = previous.before ?? current;
  const workloadName = `${owner.kind} ${namespace}/${owner.name}`;
  // A Guaranteed container's request rises with its limit, as the proposal said.
  const request = requestFollowsLimit(before) ? limit : undefined;
  const diff = {
    workload: workloadName,
    container,
    before: { 'limits.memory': before.limit ?? '(none)', ...(request ? { 'requests.memory': before.request ?? '(none)' } : {}) },
    after: { 'limits.memory': limit, ...(request ? { 'requests.memory': request } : {}) },
  };
  const patchEvent = (facts: { alreadyApplied: boolean; recovered?: boolean }): StepEvent => ({
    kind: 'patch.applied',
    actor: approval.actor,
    data: { ...diff, dryRunFirst: settings.dryRunFirst, ...facts },
  });

  if (hasMemoryLimit(workload, kind, container, limit)) {
    const ours = previous.intentAt !== undefined;
    const result: ApplyResult = { before, limit, selector, podUids: previous.podUids ?? [], alreadyApplied: !ours, ...(ours ? { intentAt: previous.intentAt, recovered: true } : {}) };
    const released = await releaseStuckPods(context, workload, selector, result.podUids);
    const how = ours ? 'its patch from an interrupted attempt is in place (recorded now)' : 'someone else set it: not patched again, nothing to roll back';
    return {
      status: 'succeeded',
      message: `${workloadName} already has limits.memory ${limit}: ${how}${released.length > 0 ? `; deleted unready pods ${released.join(', ')}` : ''}`,
      result: { ...result },
      events: [patchEvent(ours ? { alreadyApplied: false, recovered: true } : { alreadyApplied: true })],
    };
  }

  const uids = previous.podUids ?? (await podUids(context, selector));
  const intentAt = context.clock.now().toISOString();
  checkpoint({ before, limit, selector, podUids: uids, intentAt }, [{ kind: 'patch.intent', actor: approval.actor, data: diff }]);
  const patch = buildLimitPatch({ kind, container, limit, ...(request ? { request } : {}) });
  const options = { fieldManager: settings.fieldManager };
  if (settings.dryRunFirst) {
    const preview = await cluster.patchWorkload(namespace, owner, patch, { ...options, dryRun: true });
    if (!hasMemoryLimit(preview, kind, container, limit)) {
      throw new ClusterError('Invalid', `the server's dry-run of the patch on ${workloadName} did not set limits.memory ${limit}; nothing was changed`);
    }
  }
  const patched = await cluster.patchWorkload(namespace, owner, patch, { ...options, dryRun: false });
  const result: ApplyResult = { before, limit, selector, podUids: uids, intentAt, alreadyApplied: false };
  const released = await releaseStuckPods(context, patched, selector, uids);
  return {
    status: 'succeeded',
    message:
      `patched ${workloadName}: limits.memory ${before.limit ?? '(none)'} -> ${limit}${settings.dryRunFirst ? ' (server dry-run passed first)' : ''}` +
      (released.length > 0 ? `; deleted unready pods ${released.join(', ')} so the StatefulSet recreates them` : ''),
    result: { ...result },
    events: [patchEvent({ alreadyApplied: false })],
  };
};

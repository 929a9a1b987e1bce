import { ClusterError } from '../../core/cluster-error.js';
import type { WorkloadRef } from '../../core/incident.js';
import type { Workload } from '../../core/k8s-types.js';
import { buildLimitPatch, hasMemoryLimit, memoryOf } from '../../core/rules/build-patch.js';
import { resultAs, type Step, type StepContext } from '../step-types.js';
import type { ApprovalResult } from './approve-step.js';
import type { DetectResult } from './detect-step.js';

export interface ApplyResult {
  before: { limit: string | null; request: string | null };
  limit: string;
  selector: string;
  /** Pods that existed before the patch: the wait step only looks at pods that are not among them. */
  podUids: string[];
  alreadyApplied: boolean;
}

export function selectorOf(workload: Workload): string {
  return Object.entries(workload.spec.selector.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

async function podUids(context: StepContext, selector: string): Promise<string[]> {
  const pods = await context.cluster.listPods(context.run.spec.target.namespace, selector);
  return pods.map((pod) => pod.metadata.uid ?? '').filter(Boolean);
}

/**
 * A StatefulSet with OrderedReady pod management never replaces a pod that is not Ready, so a
 * patched template alone leaves the OOM-looping pod in place (kubernetes/kubernetes#67250).
 * Deleting the old, unready pods lets the controller recreate them from the new template.
 */
async function releaseStuckPods(context: StepContext, workload: Workload, selector: string, oldUids: readonly string[]): Promise<string[]> {
  const { spec } = workload;
  const ordered = (spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (workload.kind !== 'StatefulSet' || !ordered || !rolling) return [];
  const namespace = context.run.spec.target.namespace;
  const stuck = (await context.cluster.listPods(namespace, selector)).filter(
    (pod) => oldUids.includes(pod.metadata.uid ?? '') && !pod.metadata.deletionTimestamp && !pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  for (const pod of stuck) await context.cluster.deletePod(namespace, pod.metadata.name);
  return stuck.map((pod) => pod.metadata.name);
}

/**
 * Dry-runs then applies the approved limit. Before acting it records the old values and the
 * current pods; an interrupted attempt finds the limit already set and does not patch again.
 */
export const applyStep: Step = async (context) => {
  const { cluster, incident, run, runbook, resultOf, previous, checkpoint } = context;
  const detect = resultAs<DetectResult>(resultOf('detect'));
  const approval = resultAs<ApprovalResult>(resultOf('approve'));
  const namespace = run.spec.target.namespace;
  const owner = incident.owner as WorkloadRef;
  const kind = detect.containerKind ?? 'init';
  const container = detect.container ?? '';
  const limit = approval.limit ?? '';
  const settings = runbook.steps.apply;

  const workload = await cluster.getWorkload(namespace, owner);
  const current = memoryOf(workload, kind, container);
  if (!current) {
    throw new ClusterError('Invalid', `${owner.kind} ${namespace}/${owner.name} has no ${kind === 'init' ? 'initContainer' : 'container'} ${container} in its pod template any more; re-run the checklist`);
  }
  const recorded = resultAs<ApplyResult>(previous);
  const selector = selectorOf(workload);
  const before = recorded.before ?? current;
  const workloadName = `${owner.kind} ${namespace}/${owner.name}`;
  const patchEvent = (alreadyApplied: boolean) => ({
    kind: 'patch.applied' as const,
    actor: approval.actor ?? 'oom-check',
    data: {
      workload: workloadName,
      container,
      before: { 'limits.memory': before.limit ?? '(none)' },
      after: { 'limits.memory': limit },
      dryRunFirst: settings.dryRunFirst,
      alreadyApplied,
    },
  });

  if (hasMemoryLimit(workload, kind, container, limit)) {
    const result: ApplyResult = { before, limit, selector, podUids: recorded.podUids ?? [], alreadyApplied: true };
    const released = await releaseStuckPods(context, workload, selector, result.podUids);
    return {
      status: 'succeeded',
      message: `${workloadName} already has limits.memory ${limit}: not patched again${released.length > 0 ? `; deleted unready pods ${released.join(', ')}` : ''}`,
      result: { ...result },
      events: recorded.before ? [] : [patchEvent(true)],
    };
  }

  const uids = recorded.podUids ?? (await podUids(context, selector));
  checkpoint({ before, limit, selector, podUids: uids });
  const patch = buildLimitPatch({ kind, container, limit });
  const options = { fieldManager: settings.fieldManager };
  if (settings.dryRunFirst) {
    const preview = await cluster.patchWorkload(namespace, owner, patch, { ...options, dryRun: true });
    if (!hasMemoryLimit(preview, kind, container, limit)) {
      throw new ClusterError('Invalid', `the server's dry-run of the patch on ${workloadName} did not set limits.memory ${limit}; nothing was changed`);
    }
  }
  const patched = await cluster.patchWorkload(namespace, owner, patch, { ...options, dryRun: false });
  const result: ApplyResult = { before, limit, selector, podUids: uids, alreadyApplied: false };
  const released = await releaseStuckPods(context, patched, selector, uids);
  return {
    status: 'succeeded',
    message:
      `patched ${workloadName}: limits.memory ${before.limit ?? '(none)'} -> ${limit}${settings.dryRunFirst ? ' (server dry-run passed first)' : ''}` +
      (released.length > 0 ? `; deleted unready pods ${released.join(', ')} so the StatefulSet recreates them` : ''),
    result: { ...result },
    events: [patchEvent(false)],
  };
};

import type { Workload } from '../../core/k8s-types.js';
import type { StepContext } from '../step-types.js';

export function selectorOf(workload: Workload): string {
  return Object.entries(workload.spec.selector.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export async function podUids(context: StepContext<'apply'>, selector: string): Promise<string[]> {
  const pods = await context.cluster.listPods(context.run.spec.target.namespace, selector);
  return pods.map((pod) => pod.metadata.uid ?? '').filter(Boolean);
}

/**
 * A StatefulSet with OrderedReady pod management never replaces a pod that is not Ready, so a
 * patched template alone leaves the OOM-looping pod in place (kubernetes/kubernetes#67250).
 * Deleting the old, unready pods lets the controller recreate them from the new template.
 */
export async function releaseStuckPods(context: StepContext<'apply'>, workload: Workload, selector: string, oldUids: readonly string[]): Promise<string[]> {
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

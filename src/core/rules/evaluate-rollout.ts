import type { ContainerStatus, Pod } from '../k8s-types.js';
import { parseQuantity } from '../quantity.js';
import { bytesOrNull } from './bytes-or-null.js';
import type { ContainerKind } from './containers-field.js';
import { describePodProgress } from './describe-pod-progress.js';
import { findSpecContainer } from './find-spec-container.js';

export interface WatchedContainer {
  kind: ContainerKind;
  name: string;
}

export type RolloutState =
  | { state: 'initialized'; pod: string }
  | { state: 'oom-killed'; pod: string; detail: string }
  /** A new pod was killed, but it never had the approved limit: the patch is not what ran. */
  | { state: 'unpatched'; pod: string; limit: string | null; detail: string }
  | { state: 'pending'; detail: string };

const MAX_PODS_DESCRIBED = 3;

function watchedStatus(pod: Pod, container: WatchedContainer): ContainerStatus | undefined {
  const statuses = container.kind === 'init' ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  return statuses?.find((s) => s.name === container.name);
}

function oomKill(pod: Pod, container: WatchedContainer, approvedLimit: string, approvedImage: string | undefined): RolloutState | null {
  const status = watchedStatus(pod, container);
  const terminated = [status?.state?.terminated, status?.lastState?.terminated].find((t) => t?.reason === 'OOMKilled');
  if (!status || !terminated) return null;
  const spec = findSpecContainer(pod.spec, container.kind, container.name);
  const limit = spec?.resources?.limits?.memory ?? null;
  const at = terminated.finishedAt ? ` at ${terminated.finishedAt}` : '';
  const killed = `pod ${pod.metadata.name}: ${container.kind} container \`${container.name}\` was OOMKilled again (exit ${terminated.exitCode})${at}`;
  if (approvedImage !== undefined) {
    if (spec?.image !== approvedImage) return { state: 'unpatched', pod: pod.metadata.name, limit, detail: `${killed} running ${spec?.image ?? '(no image)'}, not the approved ${approvedImage}` };
    return { state: 'oom-killed', pod: pod.metadata.name, detail: `${killed} running the slim ${approvedImage}` };
  }
  const approvedBytes = parseQuantity(approvedLimit);
  if (bytesOrNull(limit) !== approvedBytes) {
    return { state: 'unpatched', pod: pod.metadata.name, limit, detail: `${killed} with limits.memory ${limit ?? '(none)'}, not the approved ${approvedLimit}` };
  }
  return { state: 'oom-killed', pod: pod.metadata.name, detail: `${killed} under the new ${approvedLimit} limit` };
}

/**
 * One look at the rollout for the wait step. Only pods created after the patch count: old pods
 * still carry the kill being fixed. A new OOM kill ends the wait at once instead of at its timeout;
 * a new pod killed without the approved limit says the patch is not what ran, not that it was too low.
 * For the quick downgrade (`approvedImage`), the approved image is what the new pod must run.
 */
export function evaluateRollout(pods: Pod[], previousPodUids: readonly string[], container: WatchedContainer, approvedLimit: string, approvedImage?: string): RolloutState {
  const previous = new Set(previousPodUids);
  // a pod without a uid cannot be told apart from the old ones, so it is not counted as new
  const fresh = pods.filter((p) => p.metadata.uid !== undefined && !previous.has(p.metadata.uid) && p.metadata.deletionTimestamp === undefined);
  for (const pod of fresh) {
    const killed = oomKill(pod, container, approvedLimit, approvedImage);
    if (killed) return killed;
  }
  const ready = fresh.find((p) => p.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True'));
  if (ready) return { state: 'initialized', pod: ready.metadata.name };
  if (fresh.length === 0) return { state: 'pending', detail: 'no new pod yet' };
  const shown = fresh.slice(0, MAX_PODS_DESCRIBED).map((p) => `pod ${p.metadata.name}: ${describePodProgress(p)}`);
  const more = fresh.length - MAX_PODS_DESCRIBED;
  return { state: 'pending', detail: more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ') };
}

/**
 * Pure helpers over a Pod's status, used by the simulated kubelet: container status lookup,
 * conditions derived from container states (as kubelet's status manager derives them), and QoS.
 * lastTransitionTime changes only when a condition's status flips, as on a real node.
 */
import type { Condition, ContainerStatus, Pod, PodSpec } from './k8s-types.js';
import { rfc3339 } from './timestamps.js';

export function containerStatus(pod: Pod, init: boolean, name: string): ContainerStatus | undefined {
  const list = init ? pod.status.initContainerStatuses : pod.status.containerStatuses;
  return list?.find((s) => s.name === name);
}

export function setCondition(pod: Pod, type: string, ok: boolean, nowMs: number, reason?: string, message?: string): void {
  const conditions = (pod.status.conditions ??= []);
  const status = ok ? 'True' : 'False';
  const existing = conditions.find((c) => c.type === type);
  const next: Condition = { type, status, lastProbeTime: null, lastTransitionTime: rfc3339(nowMs) };
  if (!ok && reason) next.reason = reason;
  if (!ok && message) next.message = message;
  if (existing) {
    if (existing.status === status) next.lastTransitionTime = existing.lastTransitionTime;
    conditions.splice(conditions.indexOf(existing), 1, next);
  } else {
    conditions.push(next);
  }
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

export function conditionIsTrue(pod: Pod, type: string): boolean {
  return pod.status.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** Re-derives Initialized, ContainersReady, Ready and the phase from the container statuses. */
export function refreshPodConditions(pod: Pod, nowMs: number): void {
  const pendingInit = (pod.status.initContainerStatuses ?? [])
    .filter((s) => !(s.state.terminated && s.state.terminated.exitCode === 0))
    .map((s) => s.name);
  const initialized = pendingInit.length === 0 || conditionIsTrue(pod, 'Initialized');
  setCondition(pod, 'Initialized', initialized, nowMs, 'ContainersNotInitialized', `containers with incomplete status: [${pendingInit.join(' ')}]`);
  const unready = (pod.status.containerStatuses ?? []).filter((s) => !s.ready).map((s) => s.name);
  const message = `containers with unready status: [${unready.join(' ')}]`;
  setCondition(pod, 'Ready', unready.length === 0, nowMs, 'ContainersNotReady', message);
  setCondition(pod, 'ContainersReady', unready.length === 0, nowMs, 'ContainersNotReady', message);
  const anyStarted = (pod.status.containerStatuses ?? []).some((s) => s.state.running || s.state.terminated || s.lastState.terminated);
  if (pod.status.phase === 'Pending' && initialized && anyStarted) pod.status.phase = 'Running';
}

/** Guaranteed, Burstable or BestEffort, from requests and limits as the API server computes it. */
export function qosClass(spec: PodSpec): string {
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  const any = all.some((c) => Object.keys(c.resources?.limits ?? {}).length + Object.keys(c.resources?.requests ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = all.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const limit = c.resources?.limits?.[r];
      const request = c.resources?.requests?.[r] ?? limit;
      return limit !== undefined && request === limit;
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

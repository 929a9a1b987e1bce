/**
 * What the simulated kubelet keeps per admitted pod (its running processes and pending timers), and
 * the small helpers every part of the kubelet uses to act on one: timers that die with the pod,
 * status writes, and the event source / fieldPath a real kubelet stamps on its events.
 */
import type { EventSource } from './event-recorder.js';
import type { Pod } from './k8s-types.js';
import type { MemoryProfile } from './memory-profile.js';
import type { ObjectStore } from './object-store.js';
import type { ScaledTimers } from './scaled-timers.js';

/** One run of a container's process. */
export interface Instance {
  profile: MemoryProfile;
  startedMs: number;
  limitBytes?: number;
  /** The runtime's container ID (64 hex digits, without `containerd://`): cgroup and cAdvisor names. */
  containerID: string;
  /** The image reference the container was started from. */
  image: string;
  /** Sim seconds after the start at which the process ends (OOM kill or exit); undefined: runs until stopped. */
  endsAfterSeconds?: number;
}

export interface PodRun {
  namespace: string;
  name: string;
  uid: string;
  workloadKey: string;
  cancels: Set<() => void>;
  running: Map<string, Instance>;
  terminating: boolean;
}

/** Runs `fn` after `simSeconds`, unless the pod is being deleted by then. */
export function runLater(timers: ScaledTimers, run: PodRun, simSeconds: number, fn: () => void): void {
  if (run.terminating) return;
  const cancel = timers.after(simSeconds, () => {
    run.cancels.delete(cancel);
    if (!run.terminating) fn();
  });
  run.cancels.add(cancel);
}

/** Writes the pod's status through `change`; undefined when the pod is gone. */
export function updatePod(store: ObjectStore, run: PodRun, change: (pod: Pod, nowMs: number) => void): Pod | undefined {
  const now = Date.now();
  return store.mutate<Pod>('Pod', run.namespace, run.name, (pod) => {
    change(pod, now);
  });
}

export function kubeletSource(pod: Pod): EventSource {
  return pod.spec.nodeName ? { component: 'kubelet', host: pod.spec.nodeName } : { component: 'kubelet' };
}

/** `spec.initContainers{migrate}`: how kubelet events name a container. */
export function containerFieldPath(init: boolean, name: string): string {
  return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
}

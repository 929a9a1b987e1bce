import type { Pod, Workload } from '../k8s-types.js';

export const SEVERITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** What the workload serves now: replicas wanted and available, and its pods. */
export interface Impact {
  desired: number;
  available: number;
  pods: readonly Pod[];
}

export interface SeverityAssessment {
  severity: Severity;
  /** In words, with the counts: "no available replica (0 of 3)". */
  reason: string;
}

/** The impact of a workload from its status (a bare pod is a workload of one). */
export function impactOf(workload: Workload, pods: readonly Pod[]): Impact {
  const status = workload.status ?? {};
  if (workload.kind === 'DaemonSet') return { desired: status.desiredNumberScheduled ?? 0, available: status.numberAvailable ?? 0, pods };
  return { desired: workload.spec.replicas ?? 1, available: status.availableReplicas ?? 0, pods };
}

function isReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

export function impactOfBarePod(pod: Pod): Impact {
  return { desired: 1, available: isReady(pod) ? 1 : 0, pods: [pod] };
}

/** Why a pod is failing to start or keep running: an init container that does not complete, a container crash-looping. */
export function podTrouble(pod: Pod): string | null {
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const waiting = status.state?.waiting?.reason;
    const terminated = status.state?.terminated;
    if (waiting && waiting !== 'PodInitializing') return `init container ${status.name} ${waiting}`;
    if (terminated && terminated.exitCode !== 0) return `init container ${status.name} ${terminated.reason ?? `exited ${terminated.exitCode}`}`;
    // The kubelet restarts a failed init container at once the first time (back-off starts at the
    // second crash), so "running again after a kill" is the commonest failing state, not a healthy one.
    const last = status.lastState?.terminated;
    if (status.state?.running && last && last.exitCode !== 0) return `init container ${status.name} ${last.reason ?? `exited ${last.exitCode}`}`;
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting?.reason;
    if (waiting === 'CrashLoopBackOff' || waiting === 'CreateContainerError' || waiting === 'RunContainerError') return `container ${status.name} ${waiting}`;
  }
  return null;
}

/**
 * Severity from the impact, as an on-call engineer ranks it: nothing served is the worst, less
 * served next, then a workload that still serves but whose new pods fail (the next rollout or
 * reschedule loses replicas), then a kill that did not cost anything right now.
 * - P1: no available replica (of at least one wanted)
 * - P2: some replicas unavailable
 * - P3: all available, but pods crash-loop or their init fails (new pods do not come up)
 * - P4: otherwise (scaled to zero, or all available and nothing failing now)
 */
export function assessSeverity(impact: Impact): SeverityAssessment {
  const { desired, available } = impact;
  if (desired <= 0) return { severity: 'P4', reason: 'scaled to zero: no replica is wanted' };
  if (available <= 0) return { severity: 'P1', reason: `no available replica (0 of ${desired})` };
  if (available < desired) return { severity: 'P2', reason: `${desired - available} of ${desired} replicas unavailable` };
  const failing = impact.pods.map((pod) => ({ name: pod.metadata.name, trouble: podTrouble(pod) })).filter((pod) => pod.trouble !== null);
  if (failing.length > 0) {
    const first = failing[0]!;
    return { severity: 'P3', reason: `all ${desired} replicas available, but ${failing.length} pod${failing.length === 1 ? '' : 's'} failing to start (${first.name}: ${first.trouble})` };
  }
  return { severity: 'P4', reason: `all ${desired} replicas available, no pod failing now` };
}

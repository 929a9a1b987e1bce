import type { ContainerState, ContainerStatus, Pod } from '../k8s-types.js';
import type { ContainerKind } from './containers-field.js';

/** Waiting reasons of a container that is simply starting: nothing is wrong yet. */
const STARTING = new Set(['PodInitializing', 'ContainerCreating']);

const MAX_MESSAGE = 160;

/** Kubernetes messages can span lines and run long; a verdict is one line. */
function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE - 1)}…` : flat;
}

function exit(t: NonNullable<ContainerState['terminated']>): string {
  return `exited ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}`;
}

function containerProblem(kind: ContainerKind, s: ContainerStatus): string | null {
  const who = `${kind} container \`${s.name}\``;
  const waiting = s.state?.waiting;
  const current = s.state?.terminated;
  const last = s.lastState?.terminated;
  if (waiting?.reason === 'CrashLoopBackOff') {
    return last
      ? `${who} ${exit(last)} and is in CrashLoopBackOff — a crash, not an OOM kill`
      : `${who} is in CrashLoopBackOff — a crash, not an OOM kill`;
  }
  if (waiting?.reason && !STARTING.has(waiting.reason)) {
    return `${who} is waiting: ${waiting.reason}${waiting.message ? ` (${oneLine(waiting.message)})` : ''}`;
  }
  if (current && current.exitCode !== 0) return `${who} ${exit(current)} — a failure, not an OOM kill`;
  if (last && last.exitCode !== 0) {
    return `${who} last ${exit(last)} and restarted ${s.restartCount} time${s.restartCount === 1 ? '' : 's'} — a crash, not an OOM kill`;
  }
  return null;
}

function conditionOf(pod: Pod, type: string) {
  return pod.status?.conditions?.find((c) => c.type === type);
}

function withDetail(reason: string | undefined, message: string | undefined): string {
  if (reason && message) return `: ${reason} (${oneLine(message)})`;
  if (reason || message) return `: ${reason ?? oneLine(message ?? '')}`;
  return '';
}

/**
 * The plain one-line verdict for a pod with no killed container: what IS wrong, or that nothing is.
 * The first problem found wins, init containers first, because they block everything after them.
 */
export function explainNotOom(pod: Pod): string {
  const subject = `pod \`${pod.metadata.name}\``;
  const status = pod.status;
  const statuses: Array<[ContainerKind, ContainerStatus]> = [
    ...(status?.initContainerStatuses ?? []).map((s): [ContainerKind, ContainerStatus] => ['init', s]),
    ...(status?.containerStatuses ?? []).map((s): [ContainerKind, ContainerStatus] => ['app', s]),
  ];
  if (!status || (!status.phase && statuses.length === 0 && !status.conditions?.length)) {
    return `${subject} has no status yet: it has not been scheduled or the kubelet has not reported on it`;
  }
  if (status.reason === 'Evicted') {
    return `${subject} was evicted by its node — no container was OOMKilled; check the node's memory or disk pressure`;
  }
  for (const [kind, s] of statuses) {
    const problem = containerProblem(kind, s);
    if (problem) return problem;
  }
  const none = 'no container was OOMKilled or killed with exit 137';
  switch (status.phase) {
    case 'Pending': {
      const scheduled = conditionOf(pod, 'PodScheduled');
      return scheduled?.status === 'False'
        ? `${subject} is Pending, not scheduled${withDetail(scheduled.reason, scheduled.message)}`
        : `${subject} is Pending and ${none}`;
    }
    case 'Running': {
      const notReady = statuses.filter(([kind, s]) => kind === 'app' && s.ready !== true).map(([, s]) => `\`${s.name}\``);
      if (conditionOf(pod, 'Ready')?.status === 'True') return `${subject} is Running and Ready; ${none}`;
      const which = notReady.length > 0 ? ` (not ready: ${notReady.join(', ')})` : '';
      return `${subject} is Running but not Ready${which}; ${none} — check its readiness probe`;
    }
    case 'Succeeded':
      return `${subject} has Succeeded; ${none}`;
    default:
      return `${subject} is ${status.phase ?? 'in an unknown phase'}${withDetail(status.reason, undefined)}; ${none}`;
  }
}

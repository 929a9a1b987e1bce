/**
 * The STATUS, READY and RESTARTS columns of `kubectl get pods`, computed the way the API server's
 * table printer (pkg/printers/internalversion printPod) computes them: an init container that died
 * shows `Init:OOMKilled`, one waiting in back-off `Init:CrashLoopBackOff`, one still running
 * `Init:0/1`; afterwards the last app container's waiting/terminated reason wins.
 */
import type { ContainerStatus, Pod } from './k8s-types.js';
import { conditionIsTrue } from './pod-status.js';

export interface PodDisplay {
  status: string;
  ready: string;
  restarts: number;
  /** finishedAt of the most recent restart's termination, for "3 (2m ago)". */
  lastRestart?: string;
}

function terminatedReason(prefix: string, s: ContainerStatus): string | undefined {
  const t = s.state.terminated;
  if (!t) return undefined;
  if (t.reason) return `${prefix}${t.reason}`;
  return t.exitCode ? `${prefix}ExitCode:${t.exitCode}` : undefined;
}

export function podDisplayStatus(pod: Pod): PodDisplay {
  let reason = pod.status.reason ?? pod.status.phase;
  let restarts = 0;
  let lastRestart: string | undefined;
  const noteRestart = (s: ContainerStatus) => {
    restarts += s.restartCount;
    const at = s.lastState.terminated?.finishedAt ?? undefined;
    if (s.restartCount > 0 && at && (!lastRestart || at > lastRestart)) lastRestart = at;
  };
  const init = pod.status.initContainerStatuses ?? [];
  const initTotal = pod.spec.initContainers?.length ?? 0;
  let initializing = false;
  for (const [i, s] of init.entries()) {
    noteRestart(s);
    if (s.state.terminated && s.state.terminated.exitCode === 0) continue;
    initializing = true;
    const waiting = s.state.waiting?.reason;
    reason = terminatedReason('Init:', s) ?? (waiting && waiting !== 'PodInitializing' ? `Init:${waiting}` : `Init:${i}/${initTotal}`);
    break;
  }
  const statuses = pod.status.containerStatuses ?? [];
  let readyCount = 0;
  if (!initializing || conditionIsTrue(pod, 'Initialized')) {
    restarts = 0;
    lastRestart = undefined;
    let running = false;
    for (const s of [...statuses].reverse()) {
      noteRestart(s);
      if (s.state.waiting?.reason) reason = s.state.waiting.reason;
      else if (s.state.terminated) reason = terminatedReason('', s) ?? reason;
      else if (s.ready && s.state.running) {
        running = true;
        readyCount += 1;
      }
    }
    if (reason === 'Completed' && running) reason = conditionIsTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  const display: PodDisplay = { status: reason, ready: `${readyCount}/${pod.spec.containers.length}`, restarts };
  if (lastRestart) display.lastRestart = lastRestart;
  return display;
}

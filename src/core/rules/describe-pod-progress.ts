import type { Pod } from '../k8s-types.js';

/**
 * A pod's progress the way `kubectl get pods` shows it (`Init:0/1`, `Init:CrashLoopBackOff`,
 * `Pending (Unschedulable)`, `Running`), so a waiting step reads like what the on-call would see.
 */
export function describePodProgress(pod: Pod): string {
  const inits = pod.status?.initContainerStatuses ?? [];
  const total = pod.spec.initContainers?.length ?? inits.length;
  const initialized = pod.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (total > 0 && !initialized) {
    let done = 0;
    for (const s of inits) {
      const terminated = s.state?.terminated;
      if (terminated?.exitCode === 0) {
        done += 1;
        continue;
      }
      if (terminated) return `Init:${terminated.reason ?? `ExitCode:${terminated.exitCode}`}`;
      const waiting = s.state?.waiting?.reason;
      if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
      break;
    }
    if (pod.status?.phase !== 'Pending' || inits.length > 0) return `Init:${done}/${total}`;
  }
  const phase = pod.status?.phase ?? 'Unknown';
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (phase === 'Pending' && unscheduled) return `Pending (${unscheduled.reason ?? 'not scheduled'})`;
  const waiting = (pod.status?.containerStatuses ?? []).map((s) => s.state?.waiting?.reason).find((r) => r !== undefined);
  return waiting ?? phase;
}

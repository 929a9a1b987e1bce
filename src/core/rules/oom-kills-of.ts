import type { Pod } from '../k8s-types.js';

/**
 * The OOM kills a pod's status shows for its init containers, each named by container and the
 * kill's finish time (or restart count when the time is missing): a kill seen before has the same
 * name, a new one a new name. What the watch compares between two versions of a pod.
 */
export function oomKillsOf(pod: Pod): string[] {
  const kills = (pod.status?.initContainerStatuses ?? []).flatMap((status) =>
    [status.state?.terminated, status.lastState?.terminated]
      .filter((terminated) => terminated?.reason === 'OOMKilled')
      .map((terminated) => `${status.name}@${terminated?.finishedAt ?? `restart-${status.restartCount}`}`),
  );
  // The same kill shows as the current state, then as the last state once the container restarts.
  return [...new Set(kills)];
}

import type { Pod } from '../../src/core/k8s-types.js';
import type { Simulator } from '../../src/sim/start-simulator.js';

/** The first pod whose name starts with `prefix` once `ready(pod)` holds (default: it exists). */
export async function podOf(sim: Simulator, namespace: string, prefix: string, ready: (pod: Pod) => boolean = () => true): Promise<string> {
  const find = () => (sim.listObjects('Pod', namespace) as unknown as Pod[]).find((pod) => pod.metadata.name.startsWith(prefix) && ready(pod));
  await sim.waitFor(() => find() !== undefined, 15_000, `a pod ${prefix}* in ${namespace}`);
  return find()!.metadata.name;
}

/** A pod after one of its containers was OOMKilled at least once. */
export function oomKilledPod(sim: Simulator, namespace: string, prefix = ''): Promise<string> {
  return podOf(sim, namespace, prefix, (pod) =>
    [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].some(
      (status) => status.lastState?.terminated?.reason === 'OOMKilled' || status.state?.terminated?.reason === 'OOMKilled',
    ),
  );
}

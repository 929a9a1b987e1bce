import { ClusterError } from '../core/cluster-error.js';
import type { Cluster, Leadership } from '../core/ports.js';

/** The Cluster methods that write (a patch, dry run included, and a pod delete): each asks the Lease first. */
const WRITES: ReadonlySet<PropertyKey> = new Set<keyof Cluster>(['patchWorkload', 'deletePod']);

/** This process stands by for the cluster: the write is not sent (retryable, the run resumes where it leads). */
export function notLeader(cluster: string, what: string, leadership: Leadership): ClusterError {
  return new ClusterError(
    'NotLeader',
    `${what} in cluster ${cluster} was not sent: this process does not hold the cluster's Lease (${leadership.describe(cluster)} acts there); ` +
      'the run resumes in whichever process holds it',
  );
}

/**
 * The cluster, with every write checked against the Lease just before it is sent: the runner
 * already takes up runs only where it leads, but a leadership lost mid-step (renewals failing, a
 * pause longer than the renew deadline) must stop the write too. Reads pass through.
 */
export function guardWrites(cluster: Cluster, leadership: Leadership): Cluster {
  return new Proxy(cluster, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!WRITES.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        if (!leadership.leads(target.name)) return Promise.reject(notLeader(target.name, `${String(property)} ${String(args[0])}/${describeTarget(args[1])}`, leadership));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function describeTarget(target: unknown): string {
  if (typeof target === 'string') return target;
  const ref = target as { kind?: string; name?: string } | null;
  return ref?.name ? `${ref.kind ?? ''} ${ref.name}`.trim() : '?';
}

/** One process, no election (the CLI, tests): it leads every cluster. */
export const ALWAYS_LEADS: Leadership = { leads: () => true, describe: () => 'this process' };

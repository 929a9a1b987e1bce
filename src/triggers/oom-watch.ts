import { isClusterError } from '../core/cluster-error.js';
import { isOomCheckError } from '../core/errors.js';
import type { Pod } from '../core/k8s-types.js';
import type { Cluster, PodChange, RelistCause } from '../core/ports.js';
import { oomKillsOf } from '../core/rules/oom-kills-of.js';
import { openUncovered } from './open-uncovered.js';
import type { TriggerDeps } from './trigger-deps.js';

export interface OomWatchDeps extends TriggerDeps {
  allowedNamespaces: readonly string[];
  /** Each time a watch had to list again, why in words and as a cause (the watch-restarts metric). */
  onRelist?(reason: string, cause: RelistCause, cluster: string): void;
}

/**
 * Real-time detection: follows the pods of the allowed namespaces (all when none is set) of every
 * cluster, each on its own (a cluster down retries by itself, the others go on), and opens
 * (or joins) an incident the moment an init container's OOM kill appears that was not there
 * before; at start and after a relist, kills no incident covers count too (the sweep's rule).
 * Memory stays small: only pods with an OOM kill are remembered, by uid and the kills' names.
 */
export class OomWatch {
  private readonly kills = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: OomWatchDeps) {}

  /** Follows until the signal aborts; resolves once every follower has stopped. */
  async run(signal: AbortSignal): Promise<void> {
    const namespaces = this.deps.allowedNamespaces.length > 0 ? this.deps.allowedNamespaces : [null];
    const follows = this.deps.clusters.all().flatMap((cluster) => namespaces.map((namespace) => cluster.followPods(namespace, (change) => this.onChange(cluster, change), signal)));
    await Promise.all(follows);
    await this.queue;
  }

  /** Pods remembered for their kills: what the watch holds in memory. */
  get remembered(): number {
    return this.kills.size;
  }

  private onChange(cluster: Cluster, change: PodChange): void {
    if (change.type === 'RELISTED') {
      if (change.cause !== 'start') this.deps.onRelist?.(change.reason, change.cause, cluster.name);
      for (const pod of change.pods) this.look(cluster, pod);
      return;
    }
    if (change.type === 'DELETED') {
      this.kills.delete(keyOf(cluster, change.pod));
      return;
    }
    this.look(cluster, change.pod);
  }

  private look(cluster: Cluster, pod: Pod): void {
    const key = keyOf(cluster, pod);
    const kills = oomKillsOf(pod);
    const known = new Set((this.kills.get(key) ?? '').split('|').filter(Boolean));
    if (kills.length === 0) {
      this.kills.delete(key);
      return;
    }
    this.kills.set(key, kills.join('|'));
    if (kills.every((kill) => known.has(kill)) || pod.metadata.deletionTimestamp) return;
    // One at a time: a storm of kills must not flood the API server with reads.
    this.queue = this.queue.then(() => this.open(cluster, pod));
  }

  private async open(cluster: Cluster, pod: Pod): Promise<void> {
    try {
      await openUncovered(this.deps, cluster, pod, 'watch');
    } catch (error) {
      // The sweep will find it: the watch is the fast path, not the only one, and must keep going.
      const expected = isClusterError(error) || isOomCheckError(error);
      this.deps.log[expected ? 'warn' : 'error']({ err: error, cluster: cluster.name, pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'the watch saw an OOM kill but could not open its incident now');
    }
  }
}

/** Pods are remembered per cluster: two clusters may well hold pods of the same name (or uid). */
function keyOf(cluster: Cluster, pod: Pod): string {
  return `${cluster.name}/${pod.metadata.uid ?? pod.metadata.name}`;
}

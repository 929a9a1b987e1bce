import { ErrorCode, OomCheckError } from './errors.js';
import type { Cluster } from './ports.js';

/**
 * The clusters this bot serves, by name: the one owner of "which Cluster is that". Incidents and
 * runs store a cluster's name; everything that acts on one (the runner's steps, rollback, the
 * triggers, the commands) asks here. The first cluster is the default, for commands that name none.
 */
export class Clusters {
  private readonly byName = new Map<string, Cluster>();

  constructor(clusters: readonly Cluster[]) {
    if (clusters.length === 0) throw new OomCheckError(ErrorCode.ConfigInvalid, 'oom-check needs at least one cluster');
    for (const cluster of clusters) {
      if (this.byName.has(cluster.name)) throw new OomCheckError(ErrorCode.ConfigInvalid, `two clusters are named ${JSON.stringify(cluster.name)}: give each its own name in OOM_CHECK_CLUSTERS`);
      this.byName.set(cluster.name, cluster);
    }
  }

  /** The name of the cluster used when none is given (the first one configured). */
  get defaultName(): string {
    return this.names()[0]!;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): Cluster[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The cluster named so (the default when no name is given); an unknown name is a ClusterUnknown error naming the known ones. */
  get(name?: string | null): Cluster {
    const wanted = name ?? this.defaultName;
    const cluster = this.byName.get(wanted);
    if (!cluster) throw unknownCluster(wanted, this.names());
    return cluster;
  }
}

export function unknownCluster(name: string, known: readonly string[]): OomCheckError {
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return new OomCheckError(
    ErrorCode.ClusterUnknown,
    `cluster ${JSON.stringify(shown)} is not one this bot serves (it serves ${known.join(', ')}): check the name, or add it to OOM_CHECK_CLUSTERS`,
  );
}

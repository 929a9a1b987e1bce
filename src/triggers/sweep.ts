import { isClusterError } from '../core/cluster-error.js';
import type { Cluster } from '../core/ports.js';
import { diagnoseOom } from '../core/rules/diagnose-oom.js';
import { openUncovered } from './open-uncovered.js';
import type { TriggerDeps } from './trigger-deps.js';

export interface SweepDeps extends TriggerDeps {
  allowedNamespaces: readonly string[];
}

export interface SweepResult {
  oomKilled: number;
  opened: number[];
  /** Clusters that could not be swept this time, with why (the others were). */
  failed: Array<{ cluster: string; message: string }>;
}

/**
 * The scheduled sweep, the safety net behind the watch: pods with an OOMKilled init container that
 * no incident covers get one (trigger `sweep`; its run stops at the approval gate like any other,
 * and never auto-approves). Every cluster is swept; one that does not answer (or refuses) is
 * reported and skipped, the others are swept all the same.
 */
export async function sweep(deps: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = { oomKilled: 0, opened: [], failed: [] };
  const swept = await Promise.allSettled(deps.clusters.all().map((cluster) => sweepCluster(deps, cluster)));
  swept.forEach((outcome, index) => {
    const cluster = deps.clusters.all()[index]!.name;
    if (outcome.status === 'fulfilled') {
      result.oomKilled += outcome.value.oomKilled;
      result.opened.push(...outcome.value.opened);
      return;
    }
    if (!isClusterError(outcome.reason)) throw outcome.reason;
    result.failed.push({ cluster, message: outcome.reason.message });
    deps.log.warn({ err: outcome.reason, cluster }, 'the sweep could not read this cluster; the others were swept');
  });
  if (result.opened.length > 0) deps.log.info({ opened: result.opened }, 'the sweep opened incidents for OOMKilled pods no alert reported');
  return result;
}

async function sweepCluster(deps: SweepDeps, cluster: Cluster): Promise<{ oomKilled: number; opened: number[] }> {
  const namespaces = deps.allowedNamespaces.length > 0 ? deps.allowedNamespaces : [null];
  const pods = (await Promise.all(namespaces.map((namespace) => cluster.listPods(namespace, '')))).flat();
  const candidates = pods.filter((pod) => {
    const diagnosis = diagnoseOom(pod);
    return diagnosis.verdict === 'oom-killed' && diagnosis.container.kind === 'init' && !pod.metadata.deletionTimestamp;
  });
  const opened: number[] = [];
  for (const pod of candidates) {
    const id = await openUncovered(deps, cluster, pod, 'sweep');
    if (id !== null) opened.push(id);
  }
  return { oomKilled: candidates.length, opened };
}

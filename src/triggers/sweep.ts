import { diagnoseOom } from '../core/rules/diagnose-oom.js';
import { openUncovered } from './open-uncovered.js';
import type { TriggerDeps } from './trigger-deps.js';

export interface SweepDeps extends TriggerDeps {
  allowedNamespaces: readonly string[];
}

/**
 * The scheduled sweep, the safety net behind the watch: pods with an OOMKilled init container that
 * no incident covers get one (trigger `sweep`; its run stops at the approval gate like any other,
 * and never auto-approves).
 */
export async function sweep(deps: SweepDeps): Promise<{ oomKilled: number; opened: number[] }> {
  const namespaces = deps.allowedNamespaces.length > 0 ? deps.allowedNamespaces : [null];
  const pods = (await Promise.all(namespaces.map((namespace) => deps.cluster.listPods(namespace, '')))).flat();
  const candidates = pods.filter((pod) => {
    const diagnosis = diagnoseOom(pod);
    return diagnosis.verdict === 'oom-killed' && diagnosis.container.kind === 'init' && !pod.metadata.deletionTimestamp;
  });
  const opened: number[] = [];
  for (const pod of candidates) {
    const id = await openUncovered(deps, pod, 'sweep');
    if (id !== null) opened.push(id);
  }
  if (opened.length > 0) deps.log.info({ opened }, 'the sweep opened incidents for OOMKilled pods no alert reported');
  return { oomKilled: candidates.length, opened };
}

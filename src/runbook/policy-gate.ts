import type { Incident, WorkloadRef } from '../core/incident.js';
import type { PolicyFile } from '../core/policy/policy-schema.js';
import type { Clusters } from '../core/clusters.js';
import type { PolicyHistory } from '../core/ports.js';
import { parseQuantity } from '../core/quantity.js';
import { judgePolicy, lookbackSeconds, selectPolicy, type PolicyDecision } from '../core/rules/judge-policy.js';
import type { ProposeResult } from '../core/step-results.js';

export const policyActor = (name: string): string => `policy:${name}`;

/**
 * Gathers what a self-heal policy judges (the workload's labels from the cluster, its earlier
 * automatic fixes from the store) and asks the pure rule. Null: no policy selects the workload,
 * so a person decides, as without policies.
 */
export class PolicyGate {
  constructor(private readonly deps: { file: PolicyFile; history: PolicyHistory; clusters: Clusters }) {}

  async judge(incident: Incident, proposed: ProposeResult, now: Date): Promise<PolicyDecision | null> {
    if (!incident.owner) return null;
    const workload = await this.deps.clusters.get(incident.cluster).getWorkload(incident.namespace, incident.owner as WorkloadRef);
    const labels = workload.metadata.labels ?? {};
    const policy = selectPolicy(this.deps.file, { namespace: incident.namespace, labels });
    if (!policy) return null;
    const since = new Date(now.getTime() - lookbackSeconds(policy) * 1000).toISOString();
    return judgePolicy(policy, this.deps.file.deniedNamespaces, {
      namespace: incident.namespace,
      labels,
      currentLimitBytes: proposed.previousLimit ? parseQuantity(proposed.previousLimit) : null,
      newLimitBytes: proposed.limitBytes,
      now,
      automaticFixes: this.deps.history.automaticFixes(incident.dedupeKey, since),
    });
  }
}

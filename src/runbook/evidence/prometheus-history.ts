import type { MemoryHistory } from '../../core/evidence-ports.js';
import type { WorkloadKind } from '../../core/evidence-ports.js';
import { PATCHABLE_KINDS } from '../../core/k8s-types.js';
import { describeBytes } from '../../core/rules/describe-bytes.js';
import { nothing, type EvidenceSource } from './evidence-source.js';

/**
 * The container's peak working set over the window, from Prometheus (cAdvisor exports it for init
 * containers too), across the pods of the owner workload: a run that completed under a higher
 * limit shows its real peak. Off unless PROMETHEUS_URL is set.
 */
export function prometheusHistory(history: MemoryHistory | null, windowSeconds: number): EvidenceSource {
  return {
    name: 'prometheus',
    gather: async ({ incident, required, clock }) => {
      if (!history) return nothing('Prometheus is not configured (PROMETHEUS_URL)');
      const owner = incident.owner;
      if (!owner || !(PATCHABLE_KINDS as readonly string[]).includes(owner.kind)) return nothing('Prometheus: no owner workload to look up');
      const detect = required('detect');
      const days = Math.round((windowSeconds / 86_400) * 10) / 10;
      const peak = await history.peakWorkingSet({ namespace: incident.namespace, owner: { kind: owner.kind as WorkloadKind, name: owner.name }, container: detect.container, windowSeconds, at: clock.now() });
      if (!peak) return nothing(`Prometheus has no working set of ${detect.container} in the last ${days} days`);
      return {
        evidence: [{ source: 'prometheus', kind: 'measured-peak', bytes: peak.bytes, at: peak.at, detail: `working set peaked at ${describeBytes(peak.bytes)} in pod ${peak.pod} (Prometheus, last ${days} days)` }],
      };
    },
  };
}

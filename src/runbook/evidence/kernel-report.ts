import type { Cluster } from '../../core/ports.js';
import { parseKernelOom, type KernelOomParse } from '../../core/rules/parse-kernel-oom.js';
import { nothing, type EvidenceSource } from './evidence-source.js';

const NEAR_THE_KILL_MS = 5 * 60_000;

type KernelOomReport = Extract<KernelOomParse, { ok: true }>;

/**
 * The kernel's own report of the kill, as node-problem-detector posts it on the node
 * (`OOMKilling`: "Killed process N (name) ... anon-rss:...kB"): the memory the process held when
 * it died, a lower bound of what it needed. Only where node-problem-detector runs.
 */
/** The node's OOMKilling reports near the kill, parsed; the one naming `process` last, else the latest. */
export async function kernelOomReport(cluster: Cluster, node: string, process: string, killedAt: string | null): Promise<KernelOomReport | null> {
  const killed = killedAt ? Date.parse(killedAt) : null;
  const reports = (await cluster.nodeEvents(node, 50))
    .filter((event) => event.reason === 'OOMKilling' && event.message)
    .filter((event) => {
      const at = Date.parse(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? '');
      return killed === null || Number.isNaN(at) || Math.abs(at - killed) <= NEAR_THE_KILL_MS;
    })
    .map((event) => parseKernelOom(event.message ?? '', { ...(event.lastTimestamp ? { at: event.lastTimestamp } : {}) }))
    .flatMap((parsed) => (parsed.ok ? [parsed] : []));
  // The container's process is named after its binary, often the container: prefer that one.
  return reports.findLast((parsed) => parsed.kill.process === process) ?? reports.at(-1) ?? null;
}

export const kernelReport: EvidenceSource = {
  name: 'kernel',
  gather: async ({ cluster, run, required }) => {
    const detect = required('detect');
    const pod = await cluster.getPod(run.spec.target.namespace, run.spec.target.pod);
    const node = pod.spec.nodeName;
    if (!node) return nothing('kernel report: the pod has no node');
    const report = await kernelOomReport(cluster, node, detect.container, detect.oomKilledAt);
    if (!report?.evidence) return nothing(`kernel report: no OOMKilling event on node ${node} near the kill (node-problem-detector may not run there)`);
    return { evidence: [report.evidence] };
  },
};

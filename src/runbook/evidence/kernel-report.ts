import { parseKernelOom } from '../../core/rules/parse-kernel-oom.js';
import { nothing, type EvidenceSource } from './evidence-source.js';

const NEAR_THE_KILL_MS = 5 * 60_000;

/**
 * The kernel's own report of the kill, as node-problem-detector posts it on the node
 * (`OOMKilling`: "Killed process N (name) ... anon-rss:...kB"): the memory the process held when
 * it died, a lower bound of what it needed. Only where node-problem-detector runs.
 */
export const kernelReport: EvidenceSource = {
  name: 'kernel',
  gather: async ({ cluster, run, required }) => {
    const detect = required('detect');
    const pod = await cluster.getPod(run.spec.target.namespace, run.spec.target.pod);
    const node = pod.spec.nodeName;
    if (!node) return nothing('kernel report: the pod has no node');
    const killedAt = detect.oomKilledAt ? Date.parse(detect.oomKilledAt) : null;
    const reports = (await cluster.nodeEvents(node, 50))
      .filter((event) => event.reason === 'OOMKilling' && event.message)
      .filter((event) => {
        const at = Date.parse(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? '');
        return killedAt === null || Number.isNaN(at) || Math.abs(at - killedAt) <= NEAR_THE_KILL_MS;
      })
      .map((event) => parseKernelOom(event.message ?? '', { ...(event.lastTimestamp ? { at: event.lastTimestamp } : {}) }))
      .flatMap((parsed) => (parsed.ok && parsed.evidence ? [parsed] : []));
    // The container's process is named after its binary, often the container: prefer that one.
    const report = reports.findLast((parsed) => parsed.kill.process === detect.container) ?? reports.at(-1);
    if (!report?.evidence) return nothing(`kernel report: no OOMKilling event on node ${node} near the kill (node-problem-detector may not run there)`);
    return { evidence: [report.evidence] };
  },
};

import { judgeGoMemstats } from '../../core/rules/judge-go-memstats.js';
import { nothing, type EvidenceSource } from './evidence-source.js';

/**
 * The Go runtime's own numbers: expvar's `/debug/vars` through the API server's pod proxy, while a
 * container of the pod serves it, judged against the limit by the seed's lines (0.85 safe, 0.9 the
 * seed's code aborts, 0.95 the kernel kills).
 */
export const goRuntime: EvidenceSource = {
  name: 'go-runtime',
  gather: async ({ cluster, run, runbook, required, clock }) => {
    const settings = runbook.steps.evidence.goRuntime;
    if (!settings.enabled) return nothing('the Go runtime source is off (runbook steps.evidence.goRuntime.enabled)');
    const detect = required('detect');
    const { namespace, pod } = run.spec.target;
    const response = await cluster.proxyGet(namespace, pod, settings.port, settings.path, runbook.steps['image-info'].timeoutSeconds * 1000);
    if (response.status < 200 || response.status > 299) return nothing(`Go runtime: ${settings.port}${settings.path} answered HTTP ${response.status} (nothing serves it while the container is down)`);
    const judged = judgeGoMemstats(response.body, { limitBytes: detect.limitBytes, at: clock.now().toISOString() });
    if (!judged.ok) return nothing(`Go runtime: ${judged.problem}`);
    return { evidence: [{ ...judged.evidence, detail: `${judged.evidence.detail} (${judged.why})` }] };
  },
};

import { isClusterError } from '../../core/cluster-error.js';
import { describeBytes } from '../../core/rules/describe-bytes.js';
import { nothing, type EvidenceSource } from './evidence-source.js';

const RSS_LINE = /^Rss:\s+(\d+)\s+kB$/m;

/** `Rss:` of /proc/PID/smaps_rollup in bytes, or null when the text has none. */
export function rssBytes(smapsRollup: string): number | null {
  const match = RSS_LINE.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * The seed's smaps sampling: reads the container's RSS every intervalMs through exec to catch a
 * start-up peak that `kubectl top` misses. Only a running container can be sampled, and only a
 * container that was not killed while sampled shows its peak.
 */
export const rssSamples: EvidenceSource = {
  name: 'rss-sample',
  gather: async ({ cluster, run, runbook, required, clock, signal }) => {
    const settings = runbook.steps['rss-peak'];
    if (!settings.enabled) return nothing('RSS sampling through exec is off (runbook steps.rss-peak.enabled)');
    const detect = required('detect');
    const { namespace, pod: podName } = run.spec.target;
    const pod = await cluster.getPod(namespace, podName);
    const statuses = detect.containerKind === 'init' ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
    if (!statuses?.find((status) => status.name === detect.container)?.state?.running) {
      return nothing(`container ${detect.container} is not running now: no RSS sample possible`);
    }
    const samples: number[] = [];
    for (let index = 0; index < settings.samples; index++) {
      if (index > 0) await clock.sleep(settings.intervalMs, signal);
      try {
        const output = await cluster.exec(namespace, podName, detect.container, ['cat', `/proc/${settings.pid}/smaps_rollup`], settings.timeoutSeconds * 1000);
        const bytes = output.exitCode === 0 ? rssBytes(output.stdout) : null;
        if (bytes !== null) samples.push(bytes);
      } catch (error) {
        // The container died between samples (the OOM kill again): what was sampled stands.
        if (!isClusterError(error)) throw error;
        break;
      }
    }
    if (samples.length === 0) return nothing('no RSS sample had an Rss line: smaps_rollup unreadable in the container');
    const peak = Math.max(...samples);
    return {
      evidence: [{ source: 'rss-sample', kind: 'measured-peak', bytes: peak, detail: `RSS peak ${describeBytes(peak)} over ${samples.length} samples ${settings.intervalMs} ms apart` }],
      samples,
    };
  },
};

import { describeBytes } from '../../core/rules/describe-bytes.js';
import type { Step } from '../step-types.js';

const RSS_LINE = /^Rss:\s+(\d+)\s+kB$/m;

/** `Rss:` of /proc/PID/smaps_rollup in bytes, or null when the text has none. */
export function rssBytes(smapsRollup: string): number | null {
  const match = RSS_LINE.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : null;
}

/**
 * The seed's smaps sampling: reads the container's RSS every intervalMs through exec to catch a
 * start-up peak that `kubectl top` misses. Only a running container can be sampled.
 */
export const rssPeakStep: Step<'rss-peak'> = async ({ cluster, run, runbook, required, clock, signal }) => {
  const settings = runbook.steps['rss-peak'];
  if (!settings.enabled) return { status: 'skipped', message: 'rss-peak sampling is disabled in the runbook' };
  const detect = required('detect');
  const { namespace, pod: podName } = run.spec.target;
  const pod = await cluster.getPod(namespace, podName);
  const statuses = detect.containerKind === 'init' ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  const running = statuses?.find((status) => status.name === detect.container)?.state?.running;
  if (!running) {
    return { status: 'skipped', message: `container ${detect.container} is not running now: no memory sample possible` };
  }
  const samples: number[] = [];
  for (let index = 0; index < settings.samples; index++) {
    if (index > 0) await clock.sleep(settings.intervalMs, signal);
    const output = await cluster.exec(namespace, podName, detect.container, ['cat', `/proc/${settings.pid}/smaps_rollup`], settings.timeoutSeconds * 1000);
    const bytes = output.exitCode === 0 ? rssBytes(output.stdout) : null;
    if (bytes !== null) samples.push(bytes);
  }
  if (samples.length === 0) return { status: 'skipped', message: 'no sample had an Rss line: smaps_rollup unreadable in the container' };
  const peakBytes = Math.max(...samples);
  const message = `RSS peak ${describeBytes(peakBytes)} over ${samples.length} samples ${settings.intervalMs} ms apart`;
  return {
    status: 'succeeded',
    message,
    result: { peakBytes, samples },
    findings: [{ title: 'Measured memory peak', severity: 'info', detail: message }],
  };
};

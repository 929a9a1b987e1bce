import { isClusterError } from '../../core/cluster-error.js';
import type { ContainerStatus, Pod } from '../../core/k8s-types.js';
import { cgroupEvidence } from '../../core/rules/cgroup-evidence.js';
import { parseCgroupMemory, type CgroupMemoryFiles } from '../../core/rules/parse-cgroup-memory.js';
import type { StepContext } from '../step-types.js';
import { nothing, type EvidenceSource } from './evidence-source.js';

const FILES = { peak: 'memory.peak', current: 'memory.current', max: 'memory.max', events: 'memory.events' } as const;
const READS = 20;
const READ_EVERY_MS = 100;

function statusOf(pod: Pod, kind: 'init' | 'app', name: string): ContainerStatus | undefined {
  return (kind === 'init' ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find((status) => status.name === name);
}

/** Waits (up to `catchSeconds`) for the container's next run: a crash-looping one runs briefly between back-offs. */
async function nextRun(context: StepContext<'evidence'>, kind: 'init' | 'app', name: string): Promise<boolean> {
  const { cluster, run, runbook, signal } = context;
  const { namespace, pod: podName } = run.spec.target;
  const pod = await cluster.getPod(namespace, podName);
  if (statusOf(pod, kind, name)?.state?.running) return true;
  const selector = Object.entries(pod.metadata.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
  const outcome = await cluster.watchPods(namespace, selector, (pods) => pods.some((p) => p.metadata.name === podName && statusOf(p, kind, name)?.state?.running !== undefined), {
    timeoutMs: runbook.steps.evidence.catchSeconds * 1000,
    signal,
  });
  return outcome === 'done';
}

/**
 * The container's cgroup v2 memory files through exec (memory.peak, memory.max, memory.current,
 * memory.events with its oom_kill count), read again and again while it runs: a crash-looping init
 * container is caught during its short run, and its last reading before the kill counts. Needs
 * pods/exec, so it is opt-in.
 */
export const cgroupFiles: EvidenceSource = {
  name: 'cgroup',
  gather: async (context) => {
    const { cluster, run, runbook, required, clock, signal } = context;
    if (!runbook.steps.evidence.cgroupFiles) return nothing('cgroup files are not read (runbook steps.evidence.cgroupFiles; it needs pods/exec)');
    const detect = required('detect');
    if (!(await nextRun(context, detect.containerKind, detect.container))) {
      return nothing(`cgroup files: container ${detect.container} did not run within ${runbook.steps.evidence.catchSeconds} s (it waits out its back-off between runs)`);
    }
    const { namespace, pod } = run.spec.target;
    const read = async (): Promise<CgroupMemoryFiles | null> => {
      const texts = await Promise.all(Object.values(FILES).map((file) => cluster.exec(namespace, pod, detect.container, ['cat', `/sys/fs/cgroup/${file}`], 2_000)));
      if (texts.some((text) => text.exitCode !== 0)) return null;
      const [peak, current, max, events] = texts.map((text) => text.stdout);
      return { peak: peak ?? null, current: current ?? null, max: max ?? null, events: events ?? null };
    };
    let last: { files: CgroupMemoryFiles; at: string } | null = null;
    for (let attempt = 0; attempt < READS && !signal.aborted; attempt++) {
      if (attempt > 0) await clock.sleep(READ_EVERY_MS, signal);
      try {
        const files = await read();
        if (!files) break;
        last = { files, at: clock.now().toISOString() };
      } catch (error) {
        // The container died between reads (killed again): the last reading stands.
        if (!isClusterError(error)) throw error;
        break;
      }
    }
    if (!last) return nothing(`cgroup files: container ${detect.container} could not be read through exec`);
    const found = cgroupEvidence(parseCgroupMemory(last.files), { at: last.at });
    return found.evidence ? { evidence: [{ ...found.evidence, detail: `${found.evidence.detail} (${found.why})` }] } : nothing(`cgroup files: ${found.why}`);
  },
};

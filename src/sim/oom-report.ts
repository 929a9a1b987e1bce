/**
 * The kernel's OOM-kill report as node-problem-detector posts it, where it runs: a Warning
 * `OOMKilling` event on the Node (so in namespace `default`, involvedObject uid = the node's name,
 * as NPD's exporter sets it), source `kernel-monitor`. The message is the whole kernel line that
 * matched the rule in NPD's config/kernel-monitor.json (pattern `Killed process \d+ (.+)
 * total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB.*`), as mm/oom_kill.c prints it for a memory
 * cgroup:
 *
 *   Memory cgroup out of memory: Killed process 48213 (migrate) total-vm:1438600kB,
 *   anon-rss:63488kB, file-rss:2048kB, shmem-rss:0kB, UID:0 pgtables:356kB oom_score_adj:997
 *
 * with the process name (comm, at most 15 characters), its pid on the node, what it had mapped
 * when the limit was hit (anon + file = the limit), and the `oom_score_adj` the kubelet gave the
 * container (pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust): -997 for Guaranteed pods, 1000
 * for BestEffort, and for Burstable 1000 - 1000 x request / machine memory, kept within 3..999.
 * Many clusters run no node-problem-detector; a scenario turns it on (`nodeProblemDetector: true`).
 */
import { parseQuantity } from '../core/quantity.js';
import type { EventRecorder } from './event-recorder.js';
import type { Container, Pod } from './k8s-types.js';

/** Machine memory of a simulated node when its Node object is not at hand (8Gi allocatable + 100Mi). */
export const NODE_MEMORY_BYTES = 8 * 1024 ** 3 + 100 * 1024 ** 2;

const GUARANTEED = -997;
const BEST_EFFORT = 1000;
/** The program's own text and libraries, mapped from the image: what file-rss counts. */
const FILE_RSS_KB = 2048;

export function oomScoreAdj(pod: Pod, container: Container, nodeMemoryBytes = NODE_MEMORY_BYTES): number {
  if (pod.status.qosClass === 'Guaranteed') return GUARANTEED;
  if (pod.status.qosClass === 'BestEffort') return BEST_EFFORT;
  const request = container.resources?.requests?.memory;
  const requestBytes = request === undefined ? 0 : parseQuantity(String(request));
  const adjust = 1000 - Math.floor((1000 * requestBytes) / nodeMemoryBytes);
  if (adjust < 1000 + GUARANTEED) return 1000 + GUARANTEED;
  if (adjust === BEST_EFFORT) return adjust - 1;
  return adjust;
}

export interface OomKill {
  /** What the cgroup held when the kernel killed: the limit. */
  rssBytes: number;
  /** The process name (comm). */
  process: string;
  nodeMemoryBytes?: number | undefined;
}

/** The kernel line of mm/oom_kill.c's __oom_kill_process for this kill. */
function oomKillLine(pod: Pod, container: Container, kill: OomKill, pid: number): string {
  const rssKb = Math.round(kill.rssBytes / 1024);
  const fileKb = Math.min(FILE_RSS_KB, Math.round(rssKb / 4));
  const anonKb = rssKb - fileKb;
  // A Go binary reserves far more address space than it touches; page tables cost 8 bytes per 4 KiB page.
  const totalVmKb = rssKb + 1_245_184;
  const pgtablesKb = Math.ceil(rssKb / 512) + 232;
  return (
    `Memory cgroup out of memory: Killed process ${pid} (${kill.process.slice(0, 15)}) total-vm:${totalVmKb}kB, anon-rss:${anonKb}kB, ` +
    `file-rss:${fileKb}kB, shmem-rss:0kB, UID:0 pgtables:${pgtablesKb}kB oom_score_adj:${oomScoreAdj(pod, container, kill.nodeMemoryBytes)}`
  );
}

export function recordOomKill(events: EventRecorder, pod: Pod, container: Container, kill: OomKill): void {
  const node = pod.spec.nodeName ?? 'sim-node-1';
  const pid = 1000 + Math.floor(Math.random() * 4_000_000);
  const nodeRef = { apiVersion: 'v1', kind: 'Node', metadata: { name: node, uid: node } };
  events.record(nodeRef, 'Warning', 'OOMKilling', oomKillLine(pod, container, kill, pid), { component: 'kernel-monitor', host: node });
}

/**
 * The kernel's OOM-kill report as node-problem-detector posts it, where it runs: a Warning
 * `OOMKilling` event on the Node (so in namespace `default`), not on the pod, from its kernel
 * monitor. Many clusters run no node-problem-detector; a scenario turns it on
 * (`nodeProblemDetector: true`). The `oom_score_adj` in the kernel line is the one the kubelet
 * gave the container (pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust): -997 for Guaranteed
 * pods, 1000 for BestEffort, and for Burstable 1000 - 1000 x request / node memory, kept within
 * 3..999.
 */
import { parseQuantity } from '../core/quantity.js';
import type { EventRecorder } from './event-recorder.js';
import type { Container, Pod } from './k8s-types.js';

/** Memory of every simulated node (the kubelet's machine capacity). */
export const NODE_MEMORY_BYTES = 8 * 1024 ** 3;

const GUARANTEED = -997;
const BEST_EFFORT = 1000;

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

export function recordOomKill(events: EventRecorder, pod: Pod, container: Container, rssBytes: number): void {
  const node = pod.spec.nodeName ?? 'sim-node-1';
  const rssKb = Math.round(rssBytes / 1024);
  const pid = 1000 + Math.floor(Math.random() * 30000);
  const message =
    `Memory cgroup out of memory: Killed process ${pid} (${container.name}) total-vm:${rssKb * 3}kB, anon-rss:${rssKb}kB, ` +
    `file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${Math.ceil(rssKb / 400)}kB oom_score_adj:${oomScoreAdj(pod, container)}`;
  const nodeRef = { apiVersion: 'v1', kind: 'Node', metadata: { name: node, uid: node } };
  events.record(nodeRef, 'Warning', 'OOMKilling', message, { component: 'kernel-monitor', host: node });
}

/**
 * The kernel's OOM-kill report as node-problem-detector posts it: a Warning `OOMKilling` event on
 * the Node (so in namespace `default`), not on the pod — pod events show only the BackOff that
 * follows, as on a real cluster.
 */
import type { EventRecorder } from './event-recorder.js';

export function recordOomKill(events: EventRecorder, node: string, container: string, rssBytes: number): void {
  const rssKb = Math.round(rssBytes / 1024);
  const pid = 1000 + Math.floor(Math.random() * 30000);
  const message =
    `Memory cgroup out of memory: Killed process ${pid} (${container}) total-vm:${rssKb * 3}kB, anon-rss:${rssKb}kB, ` +
    `file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${Math.ceil(rssKb / 400)}kB oom_score_adj:-997`;
  const nodeRef = { apiVersion: 'v1', kind: 'Node', metadata: { name: node, uid: node } };
  events.record(nodeRef, 'Warning', 'OOMKilling', message, { component: 'kernel-monitor', host: node });
}

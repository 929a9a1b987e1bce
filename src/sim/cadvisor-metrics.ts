/**
 * What the kubelet's cAdvisor endpoint (/metrics/cadvisor) exports for memory: one
 * `container_memory_working_set_bytes` series per container cgroup that exists now (a container
 * that has exited, OOM-killed or not, has no cgroup and no series; init containers have one while
 * they run) and one per pod cgroup (container="", name="", image="") for as long as the pod's
 * sandbox exists: its containers plus the pause process (240 KiB, not served as a series of its
 * own), labels sorted as
 * client_golang writes them, with the sample's timestamp in milliseconds as cAdvisor sets it. The
 * `id` is the cgroup path under the systemd driver with containerd:
 * `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope`.
 * Not served: the node's own cgroups.
 */
import type { ImageCatalog } from './image-catalog.js';
import type { Pod } from './k8s-types.js';
import type { Family, Sample } from './prometheus-text.js';

export interface RunningContainer {
  namespace: string;
  pod: string;
  container: string;
  containerID: string;
  image: string;
  rssBytes: number;
}

/** The pod's cgroup under kubepods.slice, by QoS class. */
function podCgroup(pod: Pod): string {
  const uid = (pod.metadata.uid ?? '').replace(/-/g, '_');
  const qos = pod.status.qosClass;
  if (qos === 'Guaranteed') return `/kubepods.slice/kubepods-pod${uid}.slice`;
  const tier = qos === 'BestEffort' ? 'besteffort' : 'burstable';
  return `/kubepods.slice/kubepods-${tier}.slice/kubepods-${tier}-pod${uid}.slice`;
}

/** What the sandbox's pause process keeps resident. */
const PAUSE_BYTES = 240 * 1024;

export function cadvisorMetrics(pods: readonly Pod[], running: readonly RunningContainer[], images: ImageCatalog, nowMs: number): Family[] {
  const samples: Sample[] = [];
  for (const pod of pods) {
    if (!pod.status.podIP) continue;
    const mine = running.filter((c) => c.namespace === pod.metadata.namespace && c.pod === pod.metadata.name);
    const base = podCgroup(pod);
    const namespace = pod.metadata.namespace ?? '';
    const name = pod.metadata.name;
    samples.push({ labels: [['container', ''], ['id', base], ['image', ''], ['name', ''], ['namespace', namespace], ['pod', name]], value: mine.reduce((n, c) => n + c.rssBytes, PAUSE_BYTES), timestampMs: nowMs });
    for (const c of mine) {
      samples.push({
        labels: [['container', c.container], ['id', `${base}/cri-containerd-${c.containerID}.scope`], ['image', images.statusImage(c.image)], ['name', c.containerID], ['namespace', namespace], ['pod', name]],
        value: c.rssBytes,
        timestampMs: nowMs,
      });
    }
  }
  return [{ name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set of the container in bytes', samples }];
}

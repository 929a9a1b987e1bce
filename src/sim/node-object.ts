/**
 * The Node objects of the simulated cluster, as a kubelet registers them and its node status
 * setters fill them in (pkg/kubelet/nodestatus/setters.go): capacity from the machine, allocatable
 * = capacity minus the hard eviction threshold (`memory.available<100Mi`, no system or kube
 * reservations), conditions with the kubelet's reasons and messages, addresses, nodeInfo, and the
 * images the node holds (names: repo@digest then repo:tag, sizeBytes; largest first, at most 50).
 */
import { formatQuantity, parseQuantity } from '../core/quantity.js';
import type { KubeObject } from './k8s-types.js';
import type { ScenarioNode } from './scenario-schema.js';
import { rfc3339 } from './timestamps.js';

/** kubelet's default --eviction-hard memory.available<100Mi, which allocatable leaves out. */
const EVICTION_HARD_BYTES = 100 * 1024 * 1024;
/** nodeStatusMaxImages: the kubelet reports at most this many images. */
const MAX_IMAGES = 50;
const KUBELET_VERSION = 'v1.32.4';

export interface NodeImage {
  names: string[];
  sizeBytes: number;
}

export interface Node extends KubeObject {
  spec: Record<string, unknown>;
  status: {
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    images?: NodeImage[];
    [key: string]: unknown;
  };
}

function condition(type: string, ok: boolean, reason: string, message: string, at: string): Record<string, string> {
  return { type, status: ok ? 'True' : 'False', lastHeartbeatTime: at, lastTransitionTime: at, reason, message };
}

/** The Node a scenario node becomes; `index` places it in the pod and host IP ranges. */
export function nodeObject(node: ScenarioNode, index: number, hostIp: string, nowMs: number): Node {
  const at = rfc3339(nowMs);
  const allocatable = parseQuantity(node.allocatable.memory);
  const pods = String(node.allocatable.pods);
  return {
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        ...node.labels,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`] },
    status: {
      capacity: { cpu: node.allocatable.cpu, 'ephemeral-storage': '101430960Ki', memory: formatQuantity(allocatable + EVICTION_HARD_BYTES), pods },
      allocatable: { cpu: node.allocatable.cpu, 'ephemeral-storage': '93478772582', memory: formatQuantity(allocatable), pods },
      conditions: [
        condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', at),
        condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', at),
        condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', at),
        condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status', at),
      ],
      addresses: [
        { type: 'InternalIP', address: hostIp },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: `${(index + 1).toString(16).padStart(2, '0')}${'5e'.repeat(15)}`,
        systemUUID: `ec2${index}5e5e-5e5e-5e5e-5e5e-5e5e5e5e5e5e`,
        bootID: `b0${index}7d2f1-4c3a-4e8e-9d6b-2a7f0c1e3b5d`,
        kernelVersion: '6.1.0-28-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [],
    },
  };
}

/** The node's image list with `image` added (or left as it is when the node already has it). */
export function withImage(images: readonly NodeImage[], image: NodeImage): NodeImage[] | undefined {
  if (images.some((i) => i.names[0] === image.names[0])) return undefined;
  return [...images, image].sort((a, b) => b.sizeBytes - a.sizeBytes).slice(0, MAX_IMAGES);
}

/** Machine memory in bytes (status.capacity.memory), what the kubelet's OOM score formula divides by. */
export function capacityBytes(node: Node | undefined): number | undefined {
  const memory = node?.status.capacity.memory;
  return memory === undefined ? undefined : parseQuantity(memory);
}

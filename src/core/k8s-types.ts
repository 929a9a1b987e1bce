/**
 * The parts of Kubernetes objects oom-check reads, as plain JSON (times are ISO strings). The
 * cluster adapter converts client-node's models into these, so the core needs no SDK.
 */
export type Quantities = Record<string, string>;

export interface ResourceRequirements {
  limits?: Quantities;
  requests?: Quantities;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  resources?: ResourceRequirements;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  /** Only the quick downgrade reads and writes it (the seed's exec probe), as JSON. */
  readinessProbe?: { [key: string]: unknown };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    reason?: string;
    signal?: number;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
  };
}

export interface ContainerStatus {
  name: string;
  image?: string;
  /** The image the kubelet runs, by digest (`docker-pullable://repo@sha256:...` on some runtimes). */
  imageID?: string;
  ready?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface PodSpec {
  initContainers?: Array<ContainerSpec & { restartPolicy?: string }>;
  containers: ContainerSpec[];
  /** The node the pod runs on, once scheduled. */
  nodeName?: string;
  /** RuntimeClass overhead, charged on top of the containers. */
  overhead?: Quantities;
}

export interface Pod {
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: {
    phase?: string;
    reason?: string;
    conditions?: PodCondition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface PodEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** events.k8s.io-style events carry only this time. */
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
}

export interface Node {
  metadata: ObjectMeta;
  status?: {
    allocatable?: Quantities;
    capacity?: Quantities;
    /** Images the node holds, each by its names (tag and digest forms) and size. */
    images?: Array<{ names?: string[]; sizeBytes?: number }>;
  };
}

export interface ResourceQuota {
  metadata: ObjectMeta;
  spec?: { hard?: Quantities };
  status?: { hard?: Quantities; used?: Quantities };
}

export interface LimitRange {
  metadata: ObjectMeta;
  spec?: { limits?: Array<{ type?: string; max?: Quantities; min?: Quantities; maxLimitRequestRatio?: Quantities; default?: Quantities; defaultRequest?: Quantities }> };
}

export const PATCHABLE_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type PatchableKind = (typeof PATCHABLE_KINDS)[number];

export interface Workload {
  kind: PatchableKind;
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    template: { metadata?: Partial<ObjectMeta>; spec: PodSpec };
    /** StatefulSet only: OrderedReady (the default) never replaces a pod that is not Ready. */
    podManagementPolicy?: string;
    updateStrategy?: { type?: string };
    /** Deployment only: how a rollout replaces pods. */
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  };
  /** As the controllers report it: Deployments and StatefulSets count replicas, DaemonSets scheduled pods. A count of 0 may be left out. */
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberAvailable?: number;
  };
}

/** The image-info endpoint's JSON, as the seed's checklist reads it with curl. */
export interface ImageInfo {
  layers: Array<{ digest: string; size: number }>;
  go: { version: string; cgo_enabled: boolean };
  binary: { size?: number; symtab_ratio: number };
}

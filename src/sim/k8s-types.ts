/**
 * The slice of the Kubernetes object model the simulator reads and writes.
 * Objects travel as plain JSON (timestamps are RFC 3339 strings, as on the wire), so these are
 * interfaces over JSON rather than client-node's model classes, which turn timestamps into Dates.
 * Every interface keeps an index signature: a client may patch in fields the simulator never reads,
 * and those must survive a round trip.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** Any stored object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ResourceList {
  memory?: string;
  cpu?: string;
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  resources?: { limits?: ResourceList; requests?: ResourceList; [key: string]: unknown };
  ports?: Array<{ containerPort: number; name?: string; protocol?: string }>;
  [key: string]: unknown;
}

export interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
  nodeName?: string;
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec: PodSpec;
}

export interface ContainerStateTerminated {
  exitCode: number;
  reason?: string;
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  containerID?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt: string };
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  [key: string]: unknown;
}

export interface PodStatus {
  phase: string;
  reason?: string;
  conditions?: Condition[];
  hostIP?: string;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  qosClass?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  [key: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status: PodStatus;
}

/** Deployment, ReplicaSet, StatefulSet and DaemonSet share this shape. */
export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string>; [key: string]: unknown };
    template: PodTemplate;
    [key: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export interface KubeEvent extends KubeObject {
  involvedObject: {
    kind: string;
    namespace?: string;
    name: string;
    uid?: string;
    apiVersion?: string;
    resourceVersion?: string;
    fieldPath?: string;
  };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  /** Absent (0) for events written through events.k8s.io, which counts in `series` instead. */
  count?: number;
  /** null for events written through events.k8s.io; they carry `eventTime`. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  eventTime?: string | null;
  action?: string;
  reportingComponent?: string;
  reportingInstance?: string;
  source: { component?: string; host?: string };
}

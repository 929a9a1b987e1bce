import { ClusterError } from '../../src/core/cluster-error.js';
import type { WorkloadRef } from '../../src/core/incident.js';
import type { LimitRange, Node, ObjectMeta, OwnerReference, Pod, PodEvent, ResourceQuota, Workload } from '../../src/core/k8s-types.js';
import type { Cluster, ExecResult, PodChange, ProxyResponse } from '../../src/core/ports.js';
import { parseLabelSelector } from '../../src/sim/label-selector.js';

/** A pod of Deployment `workload` (through ReplicaSet `workload-5f6d7c8b9`) whose init container `container` was OOMKilled. */
export function oomKilledPod(namespace: string, name: string, workload: string, container = 'migrate'): Pod {
  return {
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      labels: { app: workload },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${workload}-5f6d7c8b9`, controller: true }],
    },
    spec: { initContainers: [{ name: container, image: 'registry.example.com/x:1', resources: { limits: { memory: '64Mi' } } }], containers: [{ name: 'app' }] },
    status: {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: container,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2026-11-27T09:59:00Z' } },
        },
      ],
    },
  };
}

/**
 * A Cluster in memory, for what the simulator would make slow: alert storms of thousands of pods.
 * Pods belong to Deployments through ReplicaSets named `<deployment>-5f6d7c8b9`; image-info is absent (404).
 */
export class FakeCluster implements Cluster {
  readonly name = 'fake';
  readonly pods = new Map<string, Pod>();
  calls = 0;
  down = false;

  add(...pods: Pod[]): this {
    for (const pod of pods) this.pods.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
    return this;
  }

  /** Like any API call, a turn of the event loop: an in-memory cluster must not starve the bot's HTTP server. */
  private async touch(): Promise<void> {
    this.calls++;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down) throw new ClusterError('Unreachable', 'cannot reach the Kubernetes API at fake (ECONNREFUSED)');
  }

  async getPod(namespace: string, name: string): Promise<Pod> {
    await this.touch();
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) throw new ClusterError('NotFound', `pods "${name}" not found: check the name and the namespace`, 404);
    return structuredClone(pod);
  }

  async listPods(namespace: string | null, labelSelector: string): Promise<Pod[]> {
    await this.touch();
    const matches = parseLabelSelector(labelSelector);
    return [...this.pods.values()]
      .filter((pod) => (namespace === null || pod.metadata.namespace === namespace) && matches(pod.metadata.labels))
      .map((pod) => structuredClone(pod));
  }

  async podEvents(): Promise<PodEvent[]> {
    await this.touch();
    return [];
  }

  /** Nodes the fake reports: one roomy node unless a test changes them. */
  readonly nodes: Node[] = [{ metadata: { name: 'fake-node' }, status: { allocatable: { memory: '64Gi' } } }];

  async listNodes(): Promise<Node[]> {
    await this.touch();
    return structuredClone(this.nodes);
  }

  async listResourceQuotas(): Promise<ResourceQuota[]> {
    await this.touch();
    return [];
  }

  async listLimitRanges(): Promise<LimitRange[]> {
    await this.touch();
    return [];
  }

  /** Events by node name, as node-problem-detector posts them. */
  readonly nodeEventsByNode = new Map<string, PodEvent[]>();

  async nodeEvents(node: string): Promise<PodEvent[]> {
    await this.touch();
    return this.nodeEventsByNode.get(node) ?? [];
  }

  async getOwnerMeta(namespace: string, owner: OwnerReference): Promise<ObjectMeta> {
    await this.touch();
    const deployment = owner.name.replace(/-5f6d7c8b9$/, '');
    return { name: owner.name, namespace, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, controller: true }] };
  }

  async proxyGet(): Promise<ProxyResponse> {
    await this.touch();
    return { status: 404, body: 'no image-info here' };
  }

  async ping(): Promise<void> {
    await this.touch();
  }

  async findPodNamespaces(pod: string, namespaces: readonly string[]): Promise<string[]> {
    await this.touch();
    return [...this.pods.values()]
      .filter((p) => p.metadata.name === pod && (namespaces.length === 0 || namespaces.includes(p.metadata.namespace ?? '')))
      .map((p) => p.metadata.namespace ?? '');
  }

  /** A Deployment made from its pods (label app=<name>): one replica per pod, the first pod's spec as template; its ready pods are its available replicas. */
  async getWorkload(namespace: string, ref: WorkloadRef): Promise<Workload> {
    await this.touch();
    const pods = [...this.pods.values()].filter((pod) => pod.metadata.namespace === namespace && pod.metadata.labels?.app === ref.name);
    if (ref.kind !== 'Deployment' || pods.length === 0) throw new ClusterError('NotFound', `${ref.kind} ${namespace}/${ref.name} not found: check the name and the namespace`, 404);
    const template = structuredClone(pods[0]!.spec);
    const ready = pods.filter((pod) => pod.status?.phase === 'Running' && pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    return {
      kind: 'Deployment',
      metadata: { name: ref.name, namespace, labels: { app: ref.name } },
      spec: { replicas: pods.length, selector: { matchLabels: { app: ref.name } }, template: { metadata: { labels: { app: ref.name } }, spec: template } },
      status: { replicas: pods.length, readyReplicas: ready, availableReplicas: ready },
    };
  }

  patchWorkload(): Promise<Workload> {
    return Promise.reject(new ClusterError('Unexpected', 'the fake cluster does not patch'));
  }

  deletePod(): Promise<void> {
    return Promise.reject(new ClusterError('Unexpected', 'the fake cluster does not delete'));
  }

  exec(): Promise<ExecResult> {
    return Promise.reject(new ClusterError('Unexpected', 'the fake cluster does not exec'));
  }

  /** Lists once, then reports what `change()` is given until the signal aborts. */
  async followPods(namespace: string | null, onChange: (change: PodChange) => void, signal: AbortSignal): Promise<void> {
    this.followers.add(onChange);
    onChange({ type: 'RELISTED', cause: 'start', reason: 'start', pods: await this.listPods(namespace, '') });
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.followers.delete(onChange);
  }

  private readonly followers = new Set<(change: PodChange) => void>();

  /** Stores the pod and reports it to whoever follows pods, as a watch would. */
  change(pod: Pod): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const type = this.pods.has(key) ? 'MODIFIED' : 'ADDED';
    this.pods.set(key, pod);
    for (const follower of this.followers) follower({ type, pod: structuredClone(pod) });
  }

  watchPods(): Promise<'done' | 'timeout' | 'aborted'> {
    return Promise.reject(new ClusterError('Unexpected', 'the fake cluster does not watch'));
  }
}

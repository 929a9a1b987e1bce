import { PassThrough } from 'node:stream';
import { AppsV1Api, CoreV1Api, Exec, PatchStrategy, type ConfigurationOptions, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { ClusterError, isClusterError } from '../../core/cluster-error.js';
import type { WorkloadRef } from '../../core/incident.js';
import { PATCHABLE_KINDS, type LimitRange, type Node, type ObjectMeta, type OwnerReference, type Pod, type PodEvent, type ResourceQuota, type Workload } from '../../core/k8s-types.js';
import type { Cluster, ExecResult, PodChange, ProxyResponse } from '../../core/ports.js';
import { rawGet } from './raw-get.js';
import { followPods } from './follow-pods.js';
import { rawWatch } from './raw-watch.js';
import { requestOptions } from './request-options.js';
import { toClusterError, type Operation } from './to-cluster-error.js';
import { watchPodSet } from './watch-pod-set.js';

/**
 * Exec's WebSocket upgrade refused by the API server reaches us as ws's "Unexpected server response:
 * 403": given the status as `code`, it becomes the same ClusterError (Forbidden names the verb to
 * grant) as a refused API call.
 */
function upgradeRefusal(error: unknown): unknown {
  const message = String((error as { message?: unknown } | null)?.message ?? '');
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  return status ? Object.assign(new Error(`exec refused with HTTP ${status}`), { code: Number(status) }) : error;
}

/** client-node models carry Date objects; the core reads plain JSON with ISO strings. */
function plain<T>(model: unknown): T {
  return JSON.parse(JSON.stringify(model)) as T;
}

/** The pods of a namespace, or of all namespaces (null), as the API serves them. */
function podsPath(namespace: string | null): string {
  return namespace === null ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
}

const RESOURCES: Record<string, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
};

/** Deadlines on the API server: no call may wait on it for ever. */
export interface KubeTimeouts {
  /** Any one request, headers and body (OOM_CHECK_API_TIMEOUT). */
  requestMs: number;
  /** A watch that hears nothing (not even a bookmark) this long is dropped and listed again. */
  watchIdleMs: number;
}

export const DEFAULT_KUBE_TIMEOUTS: KubeTimeouts = { requestMs: 10_000, watchIdleMs: 30_000 };

/** The Cluster port on @kubernetes/client-node. Every call has a deadline (KubeTimeouts). */
export class KubeCluster implements Cluster {
  readonly name: string;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly server: string;
  private readonly timed: ConfigurationOptions;

  constructor(
    private readonly kc: KubeConfig,
    private readonly timeouts: KubeTimeouts = DEFAULT_KUBE_TIMEOUTS,
    /** The name OOM_CHECK_CLUSTERS gives it; by default its kube context's. */
    name?: string,
  ) {
    this.timed = requestOptions(timeouts.requestMs);
    this.name = name ?? (kc.getCurrentContext() || 'default');
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.server = kc.getCurrentCluster()?.server ?? '(no server)';
  }

  async getPod(namespace: string, name: string): Promise<Pod> {
    return this.call({ verb: 'get', resource: 'pods', namespace, name }, async () => plain<Pod>(await this.core.readNamespacedPod({ namespace, name }, this.timed)));
  }

  async listPods(namespace: string | null, labelSelector: string): Promise<Pod[]> {
    return (await this.podList(namespace, labelSelector)).pods;
  }

  async podEvents(namespace: string, pod: string, limit: number): Promise<PodEvent[]> {
    return this.events(namespace, `involvedObject.kind=Pod,involvedObject.name=${pod}`, limit);
  }

  private async events(namespace: string, fieldSelector: string, limit: number): Promise<PodEvent[]> {
    const list = await this.call({ verb: 'list', resource: 'events', namespace }, async () => plain<{ items: PodEvent[] }>(await this.core.listNamespacedEvent({ namespace, fieldSelector }, this.timed)));
    // events.k8s.io-style events (the scheduler's) carry only eventTime.
    const time = (event: PodEvent) => Date.parse(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? '') || 0;
    return list.items.sort((a, b) => time(a) - time(b)).slice(-limit);
  }

  async listNodes(): Promise<Node[]> {
    return this.call({ verb: 'list', resource: 'nodes', namespace: '(cluster)' }, async () => plain<{ items: Node[] }>(await this.core.listNode({}, this.timed)).items);
  }

  async listResourceQuotas(namespace: string): Promise<ResourceQuota[]> {
    return this.call({ verb: 'list', resource: 'resourcequotas', namespace }, async () => plain<{ items: ResourceQuota[] }>(await this.core.listNamespacedResourceQuota({ namespace }, this.timed)).items);
  }

  async listLimitRanges(namespace: string): Promise<LimitRange[]> {
    return this.call({ verb: 'list', resource: 'limitranges', namespace }, async () => plain<{ items: LimitRange[] }>(await this.core.listNamespacedLimitRange({ namespace }, this.timed)).items);
  }

  async nodeEvents(node: string, limit: number): Promise<PodEvent[]> {
    // node-problem-detector and the kubelet record node events in the default namespace.
    return this.events('default', `involvedObject.kind=Node,involvedObject.name=${node}`, limit);
  }

  async getOwnerMeta(namespace: string, owner: OwnerReference): Promise<ObjectMeta> {
    const workload = await this.readWorkload(namespace, owner.kind, owner.name);
    return workload.metadata;
  }

  async getWorkload(namespace: string, ref: WorkloadRef): Promise<Workload> {
    if (!(PATCHABLE_KINDS as readonly string[]).includes(ref.kind)) {
      throw new ClusterError('Invalid', `${ref.kind} ${namespace}/${ref.name} is not a Deployment, StatefulSet or DaemonSet`);
    }
    return { ...(await this.readWorkload(namespace, ref.kind, ref.name)), kind: ref.kind as Workload['kind'] };
  }

  async patchWorkload(namespace: string, ref: WorkloadRef, patch: object, options: { dryRun: boolean; fieldManager: string }): Promise<Workload> {
    const request = { namespace, name: ref.name, body: patch, fieldManager: options.fieldManager, ...(options.dryRun ? { dryRun: 'All' } : {}) };
    const strategic = requestOptions(this.timeouts.requestMs, { 'Content-Type': PatchStrategy.StrategicMergePatch });
    const patchers: Record<string, () => Promise<unknown>> = {
      Deployment: () => this.apps.patchNamespacedDeployment(request, strategic),
      StatefulSet: () => this.apps.patchNamespacedStatefulSet(request, strategic),
      DaemonSet: () => this.apps.patchNamespacedDaemonSet(request, strategic),
    };
    const patcher = patchers[ref.kind];
    if (!patcher) throw new ClusterError('Invalid', `${ref.kind} ${namespace}/${ref.name} cannot be patched by oom-check`);
    const op = { verb: 'patch', resource: `${RESOURCES[ref.kind]}.apps`, namespace, name: ref.name };
    return { ...(await this.call(op, async () => plain<Workload>(await patcher()))), kind: ref.kind as Workload['kind'] };
  }

  async ping(): Promise<void> {
    await this.call({ verb: 'get', resource: 'version', namespace: '(cluster)' }, () => rawGet(this.kc, '/version', this.timeouts.requestMs).then((response) => {
      if (response.status !== 200) throw Object.assign(new Error(`GET /version answered ${response.status}`), { code: response.status, body: response.body });
    }));
  }

  async findPodNamespaces(pod: string, namespaces: readonly string[]): Promise<string[]> {
    const fieldSelector = `metadata.name=${pod}`;
    if (namespaces.length === 0) {
      const list = await this.call({ verb: 'list', resource: 'pods', namespace: '(all namespaces)' }, () => this.core.listPodForAllNamespaces({ fieldSelector }, this.timed));
      return list.items.map((item) => item.metadata?.namespace ?? '').filter(Boolean);
    }
    const found = await Promise.all(
      namespaces.map(async (namespace) => {
        const list = await this.call({ verb: 'list', resource: 'pods', namespace }, () => this.core.listNamespacedPod({ namespace, fieldSelector }, this.timed));
        return list.items.length > 0 ? [namespace] : [];
      }),
    );
    return found.flat();
  }

  async deletePod(namespace: string, name: string): Promise<void> {
    try {
      await this.call({ verb: 'delete', resource: 'pods', namespace, name }, () => this.core.deleteNamespacedPod({ namespace, name }, this.timed));
    } catch (error) {
      if (!isClusterError(error, 'NotFound')) throw error;
    }
  }

  async proxyGet(namespace: string, pod: string, port: number | string, path: string, timeoutMs: number): Promise<ProxyResponse> {
    const proxyPath = `${podsPath(namespace)}/${encodeURIComponent(`${pod}:${port}`)}/proxy${path}`;
    const response = await this.call({ verb: 'get', resource: 'pods/proxy', namespace, name: pod }, () => rawGet(this.kc, proxyPath, Math.min(timeoutMs, this.timeouts.requestMs)));
    if (response.status === 403 && /forbidden/i.test(response.body)) {
      throw toClusterError({ code: 403, body: response.body }, { verb: 'get', resource: 'pods/proxy', namespace, name: pod }, this.server);
    }
    return response;
  }

  async exec(namespace: string, pod: string, container: string, command: string[], timeoutMs: number): Promise<ExecResult> {
    const op = { verb: 'create', resource: 'pods/exec', namespace, name: pod };
    return this.call(op, async () => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      stdout.on('data', (chunk: Buffer) => out.push(chunk));
      stderr.on('data', (chunk: Buffer) => err.push(chunk));
      let exitCode: number | null = null;
      let timedOut = false;
      let notOpened: unknown;
      let open: { terminate(): void } | undefined;
      const finished = new Promise<void>((resolve) => {
        const onStatus = (status: V1Status) => {
          const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
          exitCode = status.status === 'Success' ? 0 : Number(cause?.message ?? 1);
          resolve();
        };
        void new Exec(this.kc).exec(namespace, pod, container, command, stdout, stderr, null, false, onStatus).then((socket) => {
          // A socket that opens after the deadline is closed at once: nothing may keep the process alive.
          if (timedOut) socket.terminate();
          open = socket;
          socket.on('close', () => resolve());
        }, (error: unknown) => {
          // Kept, not emitted on stdout: a stream 'error' nobody listens to would crash the process.
          notOpened = error;
          resolve();
        });
      });
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, timeoutMs, 'timeout').unref());
      if ((await Promise.race([finished, timer])) === 'timeout') {
        timedOut = true;
        open?.terminate();
        throw new ClusterError('Timeout', `exec in ${namespace}/${pod} did not finish within ${timeoutMs} ms`);
      }
      if (notOpened !== undefined) throw upgradeRefusal(notOpened);
      return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: exitCode ?? 1 };
    });
  }

  followPods(namespace: string | null, onChange: (change: PodChange) => void, signal: AbortSignal): Promise<void> {
    const path = podsPath(namespace);
    return followPods({
      list: () => this.podList(namespace, ''),
      watch: (resourceVersion, onEvent, onDone) =>
        rawWatch(this.kc, path, { resourceVersion, allowWatchBookmarks: 'true' }, { connectMs: this.timeouts.requestMs, idleMs: this.timeouts.watchIdleMs }, { onEvent, onDone }),
      onChange,
      signal,
    });
  }

  watchPods(namespace: string, labelSelector: string, isDone: (pods: Pod[]) => boolean, options: { timeoutMs: number; signal?: AbortSignal }): Promise<'done' | 'timeout' | 'aborted'> {
    return watchPodSet({
      list: () => this.podList(namespace, labelSelector),
      watch: (resourceVersion, onEvent, onDone) =>
        rawWatch(
          this.kc,
          podsPath(namespace),
          { labelSelector, resourceVersion, allowWatchBookmarks: 'true' },
          { connectMs: this.timeouts.requestMs, idleMs: this.timeouts.watchIdleMs },
          { onEvent: (type, object) => onEvent(type, object as Pod), onDone },
        ),
      toError: (error) => toClusterError(error, { verb: 'watch', resource: 'pods', namespace }, this.server),
      isDone,
      ...options,
    });
  }

  /**
   * Every list of pods (the checklist's, the sweep's, the watches'): raw JSON, parsed once, as the
   * watch's events are. client-node's models of every pod, and plain()'s copy of them, more than
   * doubled the memory a list of 10,000 pods takes at its peak (bench:watch-memory); and list and
   * watch now give pods of the same shape.
   */
  private podList(namespace: string | null, labelSelector: string): Promise<{ pods: Pod[]; resourceVersion: string }> {
    const path = labelSelector === '' ? podsPath(namespace) : `${podsPath(namespace)}?${new URLSearchParams({ labelSelector }).toString()}`;
    return this.call({ verb: 'list', resource: 'pods', namespace: namespace ?? '(all namespaces)' }, async () => {
      const response = await rawGet(this.kc, path, this.timeouts.requestMs, { accept: 'application/json', maxBytes: Infinity });
      if (response.status !== 200) throw Object.assign(new Error(`list ${path} answered HTTP ${response.status}`), { code: response.status, body: response.body });
      const list = JSON.parse(response.body) as { items?: unknown; metadata?: { resourceVersion?: unknown } } | null;
      if (!Array.isArray(list?.items)) throw new Error(`the API server's answer to list ${path} has no items array`);
      const resourceVersion = list.metadata?.resourceVersion;
      return { pods: list.items as Pod[], resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '' };
    });
  }

  private async readWorkload(namespace: string, kind: string, name: string): Promise<Omit<Workload, 'kind'>> {
    const readers: Record<string, () => Promise<unknown>> = {
      Deployment: () => this.apps.readNamespacedDeployment({ namespace, name }, this.timed),
      StatefulSet: () => this.apps.readNamespacedStatefulSet({ namespace, name }, this.timed),
      DaemonSet: () => this.apps.readNamespacedDaemonSet({ namespace, name }, this.timed),
      ReplicaSet: () => this.apps.readNamespacedReplicaSet({ namespace, name }, this.timed),
    };
    const reader = readers[kind];
    if (!reader) throw new ClusterError('Invalid', `oom-check cannot read owners of kind ${kind}`);
    return this.call({ verb: 'get', resource: `${RESOURCES[kind]}.apps`, namespace, name }, async () => plain<Workload>(await reader()));
  }

  private async call<T>(op: Operation, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toClusterError(error, op, this.server);
    }
  }
}

/**
 * Starts the Kubernetes API simulator for a scenario: an HTTP server on 127.0.0.1 that kubectl and
 * client-node accept, a scheduler + kubelet + controllers running the scenario's workloads on a
 * scaled clock, and a few read-only accessors for tests. `close()` stops every timer, watch, socket
 * and the server, so a test that closes it leaves no open handle.
 */
import pino, { type Logger } from 'pino';
import { ApiServer, type RecordedRequest } from './api-server.js';
import { BehaviourBook } from './behaviour-book.js';
import { ControllerManager } from './controller-manager.js';
import { EventRecorder } from './event-recorder.js';
import { ExecSocket } from './exec-socket.js';
import { cadvisorMetrics } from './cadvisor-metrics.js';
import type { KubeObject, Pod } from './k8s-types.js';
import { kubeStateMetrics } from './kube-state-metrics.js';
import { exposition } from './prometheus-text.js';
import { ImageCatalog } from './image-catalog.js';
import { Kubelet } from './kubelet.js';
import { kubeconfigOptions, kubeconfigYaml, type KubeconfigOptions } from './kubeconfig.js';
import { loadScenario } from './load-scenario.js';
import { ObjectStore } from './object-store.js';
import { PodProxy } from './pod-proxy.js';
import { QuotaController } from './quota-controller.js';
import { ScaledTimers } from './scaled-timers.js';
import { Scheduler } from './scheduler.js';
import type { Scenario } from './scenario-schema.js';
import { seedCluster } from './seed-cluster.js';
import { watchPodStatus } from './pod-status-log.js';

export interface SimulatorOptions {
  /** A parsed scenario, or a scenario file path / bundled name (`seed-oom`). */
  scenario: Scenario | string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Real seconds per simulated second: 1 for the demo, 0.001 in tests. Default 1. */
  timeScale?: number;
  /** Receives pod status changes (info) and internal errors; silent by default. */
  logger?: Logger;
}

export interface ChangeRecord {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion: string;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly scenario: Scenario;
  readonly timeScale: number;
  /** For `new KubeConfig().loadFromOptions(...)`; context `oom-check-sim`. */
  kubeconfig(): KubeconfigOptions;
  /** The same as a kubeconfig file, for kubectl. */
  kubeconfigYaml(): string;
  /** A copy of a stored object (kind as in `Pod`, `Deployment`), or undefined. */
  getObject<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined;
  listObjects<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[];
  /** How many PATCH requests were stored (dry runs and rejected patches not counted). */
  patchCount(kind: string, namespace: string | undefined, name: string): number;
  /** Every HTTP request received so far, in order. */
  requests(): readonly RecordedRequest[];
  /** Changes after `resourceVersion`, oldest first, optionally of one kind: the truth a watch is checked against. */
  changesSince(resourceVersion: string, kind?: string): ChangeRecord[];
  /** Resolves once `check()` holds (re-checked after every change), rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const scenario = typeof options.scenario === 'string' ? await loadScenario(options.scenario) : options.scenario;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
  const log = options.logger ?? pino({ level: 'silent' });
  const timers = new ScaledTimers(timeScale, (error) => log.error({ err: error }, 'simulator timer failed'));
  const store = new ObjectStore();
  const events = new EventRecorder(store);
  const images = new ImageCatalog(scenario);
  const behaviours = new BehaviourBook(images);
  const nodeNames = scenario.nodes.map((n) => n.name);
  const scheduler = new Scheduler(store, events, timers, nodeNames);
  const kubelet = new Kubelet(store, timers, events, behaviours, scheduler, images, log, scenario.nodeProblemDetector);
  const controllers = new ControllerManager(store, timers, kubelet, events, nodeNames, log);
  const patches = new Map<string, number>();
  const api = new ApiServer(
    {
      store,
      timers,
      kubelet,
      user: scenario.user,
      deniedNamespaces: new Set(scenario.namespaces.filter((n) => n.denied).map((n) => n.name)),
      onPatched: (kind, ns, name) => patches.set(`${kind}/${ns ?? ''}/${name}`, (patches.get(`${kind}/${ns ?? ''}/${name}`) ?? 0) + 1),
    },
    new PodProxy(store, behaviours, timers, kubelet),
    new ExecSocket(store, kubelet, behaviours),
    log,
    () => {
      const pods = store.list<Pod>('Pod');
      return exposition([...kubeStateMetrics(pods), ...cadvisorMetrics(pods, kubelet.runningContainers(), images, Date.now())]);
    },
  );
  const unsubscribers = [kubelet.attach(), scheduler.attach(), controllers.attach(), watchPodStatus(store, log)];
  try {
    seedCluster(scenario, store, behaviours, (node) => scheduler.hostIp(node));
  } catch (error) {
    timers.close();
    for (const unsubscribe of unsubscribers) unsubscribe();
    throw error;
  }
  unsubscribers.push(new QuotaController(store, timers).attach());
  let address;
  try {
    address = await api.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    // Nothing may outlive a failed start: the kubelet and controllers already have timers running.
    timers.close();
    for (const unsubscribe of unsubscribers) unsubscribe();
    await api.close();
    throw error;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const namespace = scenario.namespaces.find((n) => !n.denied)?.name;
  const waiters = new Set<() => void>();
  unsubscribers.push(store.subscribe(() => [...waiters].forEach((w) => w())));
  let closed: Promise<void> | undefined;

  return {
    url,
    port: address.port,
    scenario,
    timeScale,
    kubeconfig: () => kubeconfigOptions(url, namespace),
    kubeconfigYaml: () => kubeconfigYaml(url, namespace),
    getObject: (kind, ns, name) => store.get(kind, ns, name),
    listObjects: (kind, ns) => store.list(kind, ns),
    patchCount: (kind, ns, name) => patches.get(`${kind}/${ns ?? ''}/${name}`) ?? 0,
    requests: () => api.requests,
    changesSince(resourceVersion, kind) {
      const changes = store.changesSince(Number(resourceVersion));
      if (changes === 'expired') throw new Error(`resourceVersion ${resourceVersion} is older than the kept history`);
      return changes
        .filter((c) => kind === undefined || c.kind === kind)
        .map((c) => ({ type: c.type, kind: c.kind, namespace: c.object.metadata.namespace, name: c.object.metadata.name, resourceVersion: String(c.resourceVersion) }));
    },
    waitFor(check, timeoutMs = 15_000, what = 'condition') {
      return new Promise((resolve, reject) => {
        if (check()) return resolve();
        const done = () => {
          waiters.delete(waiter);
          clearTimeout(timer);
        };
        const waiter = () => {
          if (!check()) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`simulator: timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      closed ??= (async () => {
        timers.close();
        for (const unsubscribe of unsubscribers) unsubscribe();
        await api.close();
      })();
      return closed;
    },
  };
}

/**
 * The kubelet of the simulated nodes: once the scheduler has bound a new pod, sets up its sandbox
 * (IPs, QoS class, waiting container statuses) and runs its containers from the behaviour book on
 * scaled timers — init containers one by one, then the app containers (ContainerRunner starts,
 * ends and restarts each one) — and carries out graceful deletion.
 */
import type { Logger } from 'pino';
import { ApiError } from './api-error.js';
import type { BehaviourBook } from './behaviour-book.js';
import { ContainerRunner } from './container-runner.js';
import type { EventRecorder } from './event-recorder.js';
import type { ImageCatalog } from './image-catalog.js';
import type { Container, ContainerStatus, Pod } from './k8s-types.js';
import { highWaterAt, memoryAt } from './memory-profile.js';
import type { ObjectStore } from './object-store.js';
import { containerFieldPath, kubeletSource, runLater, updatePod, type PodRun } from './pod-run.js';
import { qosClass, refreshPodConditions, setCondition } from './pod-status.js';
import type { ScaledTimers } from './scaled-timers.js';
import type { Scheduler } from './scheduler.js';
import { rfc3339 } from './timestamps.js';

const SCHEDULE_SECONDS = 0.1;
const SANDBOX_SECONDS = 0.2;
/** Apps in the simulator exit promptly on SIGTERM, well inside the 30 s grace period. */
const STOP_SECONDS = 1;

export interface ContainerMemory {
  rssBytes: number;
  peakBytes: number;
  limitBytes?: number;
  /** Sim seconds the process has run. */
  ageSeconds: number;
  /** The process name (comm). */
  process: string;
}

export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private readonly containers: ContainerRunner;

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: ScaledTimers,
    private readonly events: EventRecorder,
    private readonly behaviours: BehaviourBook,
    private readonly scheduler: Scheduler,
    images: ImageCatalog,
    log: Logger,
    nodeProblemDetector = false,
  ) {
    this.containers = new ContainerRunner(store, timers, events, behaviours, images, log, nodeProblemDetector);
  }

  /** Starts every pod created from now on; returns the unsubscribe function. */
  attach(): () => void {
    return this.store.subscribe((change) => {
      if (change.kind === 'Pod' && change.type === 'ADDED') this.admit(change.object as Pod);
    });
  }

  /** Memory of a running container (for exec), or undefined when it is not running. */
  memoryOf(namespace: string, pod: string, container: string): ContainerMemory | undefined {
    const instance = this.runs.get(`${namespace}/${pod}`)?.running.get(container);
    if (!instance) return undefined;
    const t = this.timers.simSecondsSince(instance.startedMs);
    const process = this.behaviours.forContainer(this.runs.get(`${namespace}/${pod}`)?.workloadKey ?? '', container, instance.image).process ?? container;
    const memory: ContainerMemory = { rssBytes: memoryAt(instance.profile, t), peakBytes: highWaterAt(instance.profile, t), ageSeconds: t, process };
    if (instance.limitBytes !== undefined) memory.limitBytes = instance.limitBytes;
    return memory;
  }

  /** Every running container of every pod, with its memory now (what cAdvisor reads from the cgroups). */
  runningContainers(): Array<{ namespace: string; pod: string; container: string; containerID: string; image: string; rssBytes: number }> {
    const out = [];
    for (const run of this.runs.values()) {
      for (const [container, instance] of run.running) {
        if (this.processAge(run.namespace, run.name, container) === undefined) continue;
        const rssBytes = memoryAt(instance.profile, this.timers.simSecondsSince(instance.startedMs));
        out.push({ namespace: run.namespace, pod: run.name, container, containerID: instance.containerID, image: instance.image, rssBytes });
      }
    }
    return out;
  }

  /**
   * Sim seconds the container's current process has run, or undefined when none runs. A process
   * past its scheduled end counts as ended even if a late timer has not reaped it yet, so what
   * clients observe follows the simulated clock, not the event loop's punctuality.
   */
  processAge(namespace: string, pod: string, container: string): number | undefined {
    const instance = this.runs.get(`${namespace}/${pod}`)?.running.get(container);
    if (!instance) return undefined;
    const age = this.timers.simSecondsSince(instance.startedMs);
    return instance.endsAfterSeconds !== undefined && age >= instance.endsAfterSeconds ? undefined : age;
  }

  /** Graceful deletion: deletionTimestamp now, Killing events, the object gone once containers stop. */
  terminate(namespace: string, name: string, graceSeconds = 30): Pod {
    const pod = this.store.get<Pod>('Pod', namespace, name);
    if (!pod) throw ApiError.notFound({ resource: 'pods', group: '' }, name);
    if (pod.metadata.deletionTimestamp) return pod;
    const run = this.runs.get(`${namespace}/${name}`);
    if (run) {
      run.terminating = true;
      for (const cancel of run.cancels) cancel();
      run.cancels.clear();
    }
    const now = Date.now();
    const updated = this.store.mutate<Pod>('Pod', namespace, name, (p) => {
      p.metadata.deletionTimestamp = rfc3339(now + graceSeconds * 1000);
      p.metadata.deletionGracePeriodSeconds = graceSeconds;
    }) as Pod;
    const runningNames = [...(run?.running.keys() ?? [])];
    for (const c of runningNames) {
      const init = (updated.spec.initContainers ?? []).some((i) => i.name === c);
      this.events.record(updated, 'Normal', 'Killing', `Stopping container ${c}`, kubeletSource(updated), containerFieldPath(init, c));
    }
    const remove = (): void => {
      this.runs.delete(`${namespace}/${name}`);
      if (run) this.containers.forget(run, updated);
      if (this.store.get('Pod', namespace, name)) this.store.remove('Pod', namespace, name);
    };
    if (graceSeconds === 0 || runningNames.length === 0) remove();
    else this.timers.after(Math.min(STOP_SECONDS, graceSeconds), remove);
    return updated;
  }

  private admit(pod: Pod): void {
    const run: PodRun = {
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name,
      uid: pod.metadata.uid ?? '',
      workloadKey: this.behaviours.workloadKeyOf(pod, this.store),
      cancels: new Set(),
      running: new Map(),
      terminating: false,
    };
    this.runs.set(`${run.namespace}/${run.name}`, run);
    runLater(this.timers, run, SCHEDULE_SECONDS, () => this.schedule(run));
  }

  private schedule(run: PodRun): void {
    this.scheduler.schedule(run.namespace, run.name, () => runLater(this.timers, run, SANDBOX_SECONDS, () => this.startSandbox(run)));
  }

  private startSandbox(run: PodRun): void {
    const pod = updatePod(this.store, run, (p, now) => {
      const node = p.spec.nodeName ?? 'sim-node-1';
      const ip = this.scheduler.podIp(node);
      // kubelet's convertToAPIContainerStatuses: a container without a runtime status yet waits as
      // PodInitializing whenever the pod has init containers (app containers until they start,
      // even after init is done), ContainerCreating otherwise.
      const reason = p.spec.initContainers?.length ? 'PodInitializing' : 'ContainerCreating';
      const waiting = (c: Container): ContainerStatus => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason } },
        lastState: {},
      });
      p.status.hostIP = this.scheduler.hostIp(node);
      p.status.hostIPs = [{ ip: p.status.hostIP }];
      p.status.podIP = ip;
      p.status.podIPs = [{ ip }];
      p.status.startTime = rfc3339(now);
      p.status.qosClass = qosClass(p.spec);
      if (p.spec.initContainers?.length) p.status.initContainerStatuses = p.spec.initContainers.map(waiting);
      p.status.containerStatuses = p.spec.containers.map(waiting);
      setCondition(p, 'PodReadyToStartContainers', true, now);
      refreshPodConditions(p, now);
    });
    if (pod) this.startInit(run, 0);
  }

  private startInit(run: PodRun, index: number): void {
    const pod = this.store.get<Pod>('Pod', run.namespace, run.name);
    if (!pod) return;
    const init = pod.spec.initContainers ?? [];
    const container = init[index];
    if (!container) {
      updatePod(this.store, run, (p, now) => {
        setCondition(p, 'Initialized', true, now);
        refreshPodConditions(p, now);
      });
      for (const c of pod.spec.containers) this.containers.start(run, c.name, false, () => undefined);
      return;
    }
    this.containers.start(run, container.name, true, () => this.startInit(run, index + 1));
  }
}

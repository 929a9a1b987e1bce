/**
 * The kubelet of the simulated nodes: once the scheduler has bound a new pod, runs its containers
 * from the behaviour book on scaled timers — init containers one by one, then the app containers —
 * and writes container states, restart counts, conditions and events the way a real node does:
 * an init container whose memory ramp crosses its limit ends `terminated` OOMKilled / 137, the pod
 * shows Init:OOMKilled, then Init:CrashLoopBackOff (waiting, lastState kept) for a back-off of
 * 10 s doubling to 5 min, and is started again with restartCount + 1.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ApiError } from './api-error.js';
import { memoryProfileOf, runSecondsOf, type BehaviourBook, type ContainerBehaviour } from './behaviour-book.js';
import type { EventRecorder } from './event-recorder.js';
import { goDuration, imageId, limitOf } from './container-facts.js';
import type { Container, ContainerStatus, Pod } from './k8s-types.js';
import { highWaterAt, memoryAt, oomAt, type MemoryProfile } from './memory-profile.js';
import { recordOomKill } from './oom-report.js';
import type { ObjectStore } from './object-store.js';
import { containerStatus, qosClass, refreshPodConditions, setCondition } from './pod-status.js';
import type { ScaledTimers } from './scaled-timers.js';
import type { Scheduler } from './scheduler.js';
import { rfc3339 } from './timestamps.js';

const SCHEDULE_SECONDS = 0.1;
const SANDBOX_SECONDS = 0.2;
/** How long a dead container shows `terminated` before the back-off wait (kubelet's next sync). */
const TERMINATED_HOLD_SECONDS = 1;
/** Apps in the simulator exit promptly on SIGTERM, well inside the 30 s grace period. */
const STOP_SECONDS = 1;

interface Instance {
  profile: MemoryProfile;
  startedMs: number;
  limitBytes?: number;
}

interface PodRun {
  namespace: string;
  name: string;
  workloadKey: string;
  cancels: Set<() => void>;
  running: Map<string, Instance>;
  terminating: boolean;
}

export interface ContainerMemory {
  rssBytes: number;
  peakBytes: number;
  limitBytes?: number;
}

export class Kubelet {
  private readonly runs = new Map<string, PodRun>();

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: ScaledTimers,
    private readonly events: EventRecorder,
    private readonly behaviours: BehaviourBook,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
  ) {}

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
    const memory: ContainerMemory = { rssBytes: memoryAt(instance.profile, t), peakBytes: highWaterAt(instance.profile, t) };
    if (instance.limitBytes !== undefined) memory.limitBytes = instance.limitBytes;
    return memory;
  }

  /** Real time (ms) at which the container's current process started, or undefined when it is not running. */
  runningSince(namespace: string, pod: string, container: string): number | undefined {
    return this.runs.get(`${namespace}/${pod}`)?.running.get(container)?.startedMs;
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
      this.events.record(updated, 'Normal', 'Killing', `Stopping container ${c}`, this.source(updated), this.fieldPath(init, c));
    }
    const remove = (): void => {
      this.runs.delete(`${namespace}/${name}`);
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
      workloadKey: this.behaviours.workloadKeyOf(pod, this.store),
      cancels: new Set(),
      running: new Map(),
      terminating: false,
    };
    this.runs.set(`${run.namespace}/${run.name}`, run);
    this.later(run, SCHEDULE_SECONDS, () => this.schedule(run));
  }

  /** A timer that dies with the pod. */
  private later(run: PodRun, simSeconds: number, fn: () => void): void {
    if (run.terminating) return;
    const cancel = this.timers.after(simSeconds, () => {
      run.cancels.delete(cancel);
      if (!run.terminating) fn();
    });
    run.cancels.add(cancel);
  }

  private update(run: PodRun, change: (pod: Pod, now: number) => void): Pod | undefined {
    const now = Date.now();
    return this.store.mutate<Pod>('Pod', run.namespace, run.name, (pod) => {
      change(pod, now);
    });
  }

  private source(pod: Pod): { component: string; host?: string } {
    return pod.spec.nodeName ? { component: 'kubelet', host: pod.spec.nodeName } : { component: 'kubelet' };
  }

  private fieldPath(init: boolean, name: string): string {
    return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
  }

  private schedule(run: PodRun): void {
    if (this.scheduler.bind(run.namespace, run.name)) this.later(run, SANDBOX_SECONDS, () => this.startSandbox(run));
  }

  private startSandbox(run: PodRun): void {
    const pod = this.update(run, (p, now) => {
      const node = p.spec.nodeName ?? 'sim-node-1';
      const ip = this.scheduler.podIp(node);
      const waiting = (c: Container): ContainerStatus => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        started: false,
        state: { waiting: { reason: 'PodInitializing' } },
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
      this.update(run, (p, now) => {
        setCondition(p, 'Initialized', true, now);
        for (const s of p.status.containerStatuses ?? []) {
          if (s.state.waiting?.reason === 'PodInitializing') s.state = { waiting: { reason: 'ContainerCreating' } };
        }
        refreshPodConditions(p, now);
      });
      for (const c of pod.spec.containers) this.startContainer(run, c.name, false, () => undefined);
      return;
    }
    this.startContainer(run, container.name, true, () => this.startInit(run, index + 1));
  }

  private startContainer(run: PodRun, name: string, init: boolean, onSuccess: () => void, restart = false): void {
    const current = this.store.get<Pod>('Pod', run.namespace, run.name);
    const spec = (init ? current?.spec.initContainers : current?.spec.containers)?.find((c) => c.name === name);
    if (!current || !spec) return;
    const behaviour = this.behaviours.forContainer(run.workloadKey, name);
    const where = this.fieldPath(init, name);
    this.events.record(current, 'Normal', 'Pulled', `Container image "${spec.image}" already present on machine`, this.source(current), where);
    this.events.record(current, 'Normal', 'Created', `Created container: ${name}`, this.source(current), where);
    const containerID = `containerd://${randomBytes(32).toString('hex')}`;
    const pod = this.update(run, (p, now) => {
      const s = containerStatus(p, init, name);
      if (!s) return;
      if (restart) s.restartCount += 1;
      s.state = { running: { startedAt: rfc3339(now) } };
      s.containerID = containerID;
      s.imageID = imageId(spec.image);
      s.started = true;
      s.ready = false;
      refreshPodConditions(p, now);
    });
    if (!pod) return;
    this.events.record(pod, 'Normal', 'Started', `Started container ${name}`, this.source(pod), where);
    const instance: Instance = { profile: memoryProfileOf(behaviour, init), startedMs: Date.now() };
    const limitBytes = limitOf(spec);
    if (limitBytes !== undefined) instance.limitBytes = limitBytes;
    run.running.set(name, instance);
    const oom = oomAt(instance.profile, limitBytes);
    const runSeconds = runSecondsOf(behaviour, init);
    if (oom !== undefined && (runSeconds === undefined || oom < runSeconds)) {
      this.later(run, oom, () => this.exit(run, name, init, behaviour, 137, 'OOMKilled', onSuccess));
    } else if (runSeconds !== undefined) {
      const code = behaviour.exitCode ?? 0;
      this.later(run, runSeconds, () => this.exit(run, name, init, behaviour, code, code === 0 ? 'Completed' : 'Error', onSuccess));
    }
    if (!init) {
      this.later(run, behaviour.readySeconds, () => {
        if (run.running.get(name) !== instance) return;
        this.update(run, (p, now) => {
          const s = containerStatus(p, false, name);
          if (s?.state.running) s.ready = true;
          refreshPodConditions(p, now);
        });
      });
    }
  }

  private exit(run: PodRun, name: string, init: boolean, b: ContainerBehaviour, code: number, reason: string, onSuccess: () => void): void {
    const instance = run.running.get(name);
    run.running.delete(name);
    const pod = this.update(run, (p, now) => {
      const s = containerStatus(p, init, name);
      if (!s) return;
      s.state = {
        terminated: {
          exitCode: code,
          reason,
          startedAt: s.state.running?.startedAt ?? rfc3339(now),
          finishedAt: rfc3339(now),
          containerID: s.containerID ?? '',
        },
      };
      s.ready = init && code === 0;
      s.started = false;
      refreshPodConditions(p, now);
    });
    if (!pod) return;
    if (reason === 'OOMKilled') recordOomKill(this.events, pod.spec.nodeName ?? 'sim-node-1', name, instance?.limitBytes ?? b.peakBytes);
    if (init && code === 0) {
      onSuccess();
      return;
    }
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Never' || (policy === 'OnFailure' && code === 0)) {
      this.update(run, (p) => {
        const done = (p.status.containerStatuses ?? []).every((s) => s.state.terminated);
        if (init || done) p.status.phase = code === 0 && !init ? 'Succeeded' : 'Failed';
      });
      return;
    }
    this.backOff(run, pod, name, init, onSuccess);
  }

  private backOff(run: PodRun, pod: Pod, name: string, init: boolean, onSuccess: () => void): void {
    const restarts = containerStatus(pod, init, name)?.restartCount ?? 0;
    const delay = Math.min(300, 10 * 2 ** restarts);
    const hold = Math.min(TERMINATED_HOLD_SECONDS, delay / 2);
    this.later(run, hold, () => {
      const waiting = this.update(run, (p, now) => {
        const s = containerStatus(p, init, name);
        if (!s) return;
        s.lastState = { terminated: s.state.terminated ?? { exitCode: 0 } };
        s.state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${goDuration(delay)} restarting failed container=${name} pod=${run.name}_${run.namespace}(${p.metadata.uid})`,
          },
        };
        refreshPodConditions(p, now);
      });
      if (!waiting) return;
      const message = `Back-off restarting failed container ${name} in pod ${run.name}_${run.namespace}(${waiting.metadata.uid})`;
      this.events.record(waiting, 'Warning', 'BackOff', message, this.source(waiting), this.fieldPath(init, name));
      this.later(run, delay - hold, () => {
        this.log.debug({ pod: `${run.namespace}/${run.name}`, container: name }, 'restarting container');
        this.startContainer(run, name, init, onSuccess, true);
      });
    });
  }
}

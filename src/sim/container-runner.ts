/**
 * The kubelet's part for one container: start a process (events Pulled / Created / Started, state
 * running), end it (terminated, with OOMKilled / 137 when its memory ramp crosses the limit) and
 * decide about the restart the way kuberuntime's doBackOff does:
 *
 *   crash 1 -> restarted at the next sync, no back-off (restartCount 1)
 *   crash 2 -> waiting CrashLoopBackOff "back-off 10s" (restartCount 1), restarted 10 s after it
 *              finished (restartCount 2)
 *   crash 3 -> "back-off 20s", then 40s, 80s ... capped at 5m0s
 *
 * A dead container shows `terminated` until the next sync (PLEG relists every second); while in
 * back-off the pod worker re-syncs every 10 s, and each sync repeats the BackOff event. A started
 * container reports the runtime's image and imageID (image-catalog.ts) and puts its image on the
 * node's status.images; a liveness probe that starts failing ends it as liveness-plan.ts says.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { memoryProfileOf, runSecondsOf, type BehaviourBook, type ContainerBehaviour } from './behaviour-book.js';
import { goDuration, limitOf } from './container-facts.js';
import type { EventRecorder } from './event-recorder.js';
import type { ImageCatalog } from './image-catalog.js';
import type { Container, Pod } from './k8s-types.js';
import { KubeletBackoff } from './kubelet-backoff.js';
import { livenessPlan } from './liveness-plan.js';
import { memoryAt, oomAt } from './memory-profile.js';
import { capacityBytes, withImage, type Node } from './node-object.js';
import type { ObjectStore } from './object-store.js';
import { recordOomKill } from './oom-report.js';
import { containerFieldPath, kubeletSource, runLater, updatePod, type Instance, type PodRun } from './pod-run.js';
import { containerStatus, refreshPodConditions } from './pod-status.js';
import type { ScaledTimers } from './scaled-timers.js';
import { rfc3339 } from './timestamps.js';

/** From a container's exit to the kubelet's next look at it (PLEG relist period). */
const SYNC_AFTER_EXIT_SECONDS = 1;
/** How often the pod worker re-syncs a pod whose container is in back-off (backOffPeriod). */
const BACKOFF_RESYNC_SECONDS = 10;

interface Target {
  run: PodRun;
  name: string;
  init: boolean;
  /** What happens when an init container exits 0 (the next init container, or the app containers). */
  onSuccess: () => void;
}

export class ContainerRunner {
  private readonly backoff = new KubeletBackoff();

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: ScaledTimers,
    private readonly events: EventRecorder,
    private readonly behaviours: BehaviourBook,
    private readonly images: ImageCatalog,
    private readonly log: Logger,
    /** Whether node-problem-detector runs on the nodes and reports OOM kills as Node events. */
    private readonly nodeProblemDetector: boolean,
  ) {}

  /** The first start of a container in its pod. */
  start(run: PodRun, name: string, init: boolean, onSuccess: () => void): void {
    this.launch({ run, name, init, onSuccess }, false);
  }

  /** Forgets the back-off of a pod's containers once the pod is gone. */
  forget(run: PodRun, pod: Pod): void {
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) this.backoff.reset(this.key(run, c.name));
  }

  private nowSeconds(): number {
    return Date.now() / 1000 / this.timers.timeScale;
  }

  private key(run: PodRun, name: string): string {
    return `${run.uid}/${name}`;
  }

  private launch(t: Target, restart: boolean): void {
    const { run, name, init } = t;
    const current = this.store.get<Pod>('Pod', run.namespace, run.name);
    const spec = (init ? current?.spec.initContainers : current?.spec.containers)?.find((c) => c.name === name);
    if (!current || !spec) return;
    const behaviour = this.behaviours.forContainer(run.workloadKey, name, spec.image);
    const where = containerFieldPath(init, name);
    this.events.record(current, 'Normal', 'Pulled', `Container image "${spec.image}" already present on machine`, kubeletSource(current), where);
    this.events.record(current, 'Normal', 'Created', `Created container: ${name}`, kubeletSource(current), where);
    const containerID = `containerd://${randomBytes(32).toString('hex')}`;
    const probe = spec.readinessProbe as { initialDelaySeconds?: number } | undefined;
    const pod = updatePod(this.store, run, (p, now) => {
      const s = containerStatus(p, init, name);
      if (!s) return;
      if (restart) s.restartCount += 1;
      if (s.state.terminated) s.lastState = { terminated: s.state.terminated };
      s.state = { running: { startedAt: rfc3339(now) } };
      s.containerID = containerID;
      s.image = this.images.statusImage(spec.image);
      s.imageID = this.images.imageId(spec.image);
      s.started = true;
      // Without a readiness probe an app container is ready as soon as it runs (prober manager:
      // no worker, so ready); with one, once the first probe after its initial delay succeeds
      // (the simulated probes always succeed).
      s.ready = !init && probe === undefined;
      refreshPodConditions(p, now);
    });
    if (!pod) return;
    this.events.record(pod, 'Normal', 'Started', `Started container ${name}`, kubeletSource(pod), where);
    this.recordNodeImage(pod.spec.nodeName, spec.image);
    const instance: Instance = { profile: memoryProfileOf(behaviour, init), startedMs: Date.now(), containerID: containerID.slice('containerd://'.length), image: spec.image };
    const limitBytes = limitOf(spec);
    if (limitBytes !== undefined) instance.limitBytes = limitBytes;
    run.running.set(name, instance);
    const oom = oomAt(instance.profile, limitBytes);
    const runSeconds = runSecondsOf(behaviour, init);
    const liveness = init || behaviour.livenessFailsAfterSeconds === undefined ? undefined : livenessPlan(spec, Number(pod.spec.terminationGracePeriodSeconds ?? 30), behaviour.livenessFailsAfterSeconds);
    const killedAt = liveness ? liveness.killAt + liveness.graceSeconds : undefined;
    if (oom !== undefined && (runSeconds === undefined || oom < runSeconds) && (killedAt === undefined || oom < killedAt)) {
      instance.endsAfterSeconds = oom;
      runLater(this.timers, run, oom, () => this.exit(t, behaviour, 137, 'OOMKilled'));
    } else if (runSeconds !== undefined && (killedAt === undefined || runSeconds < killedAt)) {
      const code = behaviour.exitCode ?? 0;
      instance.endsAfterSeconds = runSeconds;
      runLater(this.timers, run, runSeconds, () => this.exit(t, behaviour, code, code === 0 ? 'Completed' : 'Error'));
    } else if (liveness && killedAt !== undefined) {
      instance.endsAfterSeconds = killedAt;
      this.failLiveness(t, spec, instance, behaviour, liveness);
    }
    if (!init && probe !== undefined) {
      runLater(this.timers, run, Number(probe.initialDelaySeconds ?? 0), () => {
        if (run.running.get(name) !== instance) return;
        updatePod(this.store, run, (p, now) => {
          const s = containerStatus(p, false, name);
          if (s?.state.running) s.ready = true;
          refreshPodConditions(p, now);
        });
      });
    }
  }

  /** Unhealthy at each failing probe, Killing at the last, SIGKILL (137, Error) when the grace period ends. */
  private failLiveness(t: Target, spec: Container, instance: Instance, behaviour: ContainerBehaviour, plan: NonNullable<ReturnType<typeof livenessPlan>>): void {
    const { run, name } = t;
    const about = () => (run.running.get(name) === instance ? this.store.get<Pod>('Pod', run.namespace, run.name) : undefined);
    const where = containerFieldPath(false, name);
    for (const at of plan.failures) {
      runLater(this.timers, run, at, () => {
        const pod = about();
        if (pod) this.events.record(pod, 'Warning', 'Unhealthy', plan.message, kubeletSource(pod), where);
      });
    }
    runLater(this.timers, run, plan.killAt, () => {
      const pod = about();
      if (!pod) return;
      this.events.record(pod, 'Normal', 'Killing', `Container ${spec.name} failed liveness probe, will be restarted`, kubeletSource(pod), where);
      runLater(this.timers, run, plan.graceSeconds, () => {
        if (run.running.get(name) === instance) this.exit(t, behaviour, 137, 'Error');
      });
    });
  }

  /** The node now holds the image (the kubelet's image list in node status). */
  private recordNodeImage(node: string | undefined, image: string): void {
    if (!node) return;
    const entry = this.images.nodeImage(image);
    this.store.mutate<Node>('Node', undefined, node, (n) => {
      const images = withImage(n.status.images ?? [], entry);
      if (!images) return false;
      n.status.images = images;
    });
  }

  private exit(t: Target, behaviour: ContainerBehaviour, code: number, reason: string): void {
    const { run, name, init } = t;
    const instance = run.running.get(name);
    run.running.delete(name);
    const finished = this.nowSeconds();
    const pod = updatePod(this.store, run, (p, now) => {
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
    const spec = (init ? pod.spec.initContainers : pod.spec.containers)?.find((c) => c.name === name);
    if (reason === 'OOMKilled' && this.nodeProblemDetector && spec && instance) {
      const node = this.store.get<Node>('Node', undefined, pod.spec.nodeName ?? '');
      const rssBytes = instance.limitBytes ?? memoryAt(instance.profile, instance.endsAfterSeconds ?? 0);
      recordOomKill(this.events, pod, spec, { rssBytes, process: behaviour.process ?? name, nodeMemoryBytes: capacityBytes(node) });
    }
    if (init && code === 0) return t.onSuccess();
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Never' || (policy === 'OnFailure' && code === 0)) {
      updatePod(this.store, run, (p) => {
        const done = (p.status.containerStatuses ?? []).every((s) => s.state.terminated);
        if (init || done) p.status.phase = code === 0 && !init ? 'Succeeded' : 'Failed';
      });
      return;
    }
    runLater(this.timers, run, SYNC_AFTER_EXIT_SECONDS, () => this.sync(t, finished, finished + SYNC_AFTER_EXIT_SECONDS));
  }

  /** One kubelet sync of a dead container: doBackOff, then either a restart or a CrashLoopBackOff wait. */
  private sync(t: Target, finished: number, due: number): void {
    const { run, name, init } = t;
    const key = this.key(run, name);
    // Timers fire at or after their time; the scheduled time keeps rounding from re-entering the window.
    const now = Math.max(this.nowSeconds(), due);
    if (!this.backoff.isInBackOffSince(key, finished, now)) {
      this.backoff.next(key, now);
      this.log.debug({ pod: `${run.namespace}/${run.name}`, container: name }, 'restarting container');
      this.launch(t, true);
      return;
    }
    const window = this.backoff.get(key);
    const pod = this.store.get<Pod>('Pod', run.namespace, run.name);
    if (!pod) return;
    const message = `back-off ${goDuration(window)} restarting failed container=${name} pod=${run.name}_${run.namespace}(${pod.metadata.uid})`;
    const waiting = updatePod(this.store, run, (p, nowMs) => {
      const s = containerStatus(p, init, name);
      if (!s) return;
      if (s.state.terminated) s.lastState = { terminated: s.state.terminated };
      s.state = { waiting: { reason: 'CrashLoopBackOff', message } };
      refreshPodConditions(p, nowMs);
    });
    if (!waiting) return;
    const event = `Back-off restarting failed container ${name} in pod ${run.name}_${run.namespace}(${waiting.metadata.uid})`;
    this.events.record(waiting, 'Warning', 'BackOff', event, kubeletSource(waiting), containerFieldPath(init, name));
    const wait = Math.min(BACKOFF_RESYNC_SECONDS, finished + window - now);
    runLater(this.timers, run, wait, () => this.sync(t, finished, now + wait));
  }
}

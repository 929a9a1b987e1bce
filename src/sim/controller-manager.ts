/**
 * Runs the workload controllers. Any change to a workload, ReplicaSet or Pod schedules one pass
 * over all of them on the next turn of the event loop (never inside the write that triggered it),
 * and a pass that changes nothing writes nothing, so the loop settles by itself.
 */
import type { Logger } from 'pino';
import { DaemonSetController } from './daemonset-controller.js';
import { DeploymentController } from './deployment-controller.js';
import type { EventRecorder } from './event-recorder.js';
import type { Workload } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import { PodAdmission } from './pod-admission.js';
import { ReplicaSetController } from './replicaset-controller.js';
import type { ScaledTimers } from './scaled-timers.js';
import { StatefulSetController } from './statefulset-controller.js';

const WATCHED = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Pod']);

export class ControllerManager {
  private readonly deployments: DeploymentController;
  private readonly replicaSets: ReplicaSetController;
  private readonly statefulSets: StatefulSetController;
  private readonly daemonSets: DaemonSetController;
  private pending = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: ScaledTimers,
    kubelet: Pick<Kubelet, 'terminate'>,
    events: EventRecorder,
    nodes: readonly string[],
    private readonly log: Logger,
  ) {
    this.deployments = new DeploymentController(store, timers, events, () => this.kick());
    const admission = new PodAdmission(store);
    this.replicaSets = new ReplicaSetController(store, kubelet, events, admission);
    this.statefulSets = new StatefulSetController(store, kubelet, events, admission);
    this.daemonSets = new DaemonSetController(store, kubelet, events, nodes, admission);
  }

  /** Starts reacting to changes; returns the unsubscribe function. */
  attach(): () => void {
    const unsubscribe = this.store.subscribe((change) => {
      if (WATCHED.has(change.kind)) this.kick();
    });
    this.kick();
    return unsubscribe;
  }

  /** Asks for one reconcile pass soon; repeated asks before it runs collapse into one. */
  kick(): void {
    if (this.pending) return;
    this.pending = true;
    this.timers.afterMs(0, () => {
      this.pending = false;
      this.reconcileAll();
    });
  }

  private reconcileAll(): void {
    const passes: Array<[string, (w: Workload) => void]> = [
      ['Deployment', (w) => this.deployments.reconcile(w)],
      ['ReplicaSet', (w) => this.replicaSets.reconcile(w)],
      ['StatefulSet', (w) => this.statefulSets.reconcile(w)],
      ['DaemonSet', (w) => this.daemonSets.reconcile(w)],
    ];
    for (const [kind, reconcile] of passes) {
      for (const workload of this.store.list<Workload>(kind)) {
        // A workload removed earlier in this pass is skipped, not an error.
        if (!this.store.get(kind, workload.metadata.namespace, workload.metadata.name)) continue;
        try {
          reconcile(workload);
        } catch (error) {
          this.log.error({ err: error, kind, name: workload.metadata.name }, 'controller pass failed');
        }
      }
    }
  }
}

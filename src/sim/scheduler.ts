/**
 * The default-scheduler's part: fits a pod's effective request (pod-resources.ts) into a node's
 * allocatable memory, CPU and pod count, beside the pods already bound there (terminal pods do not
 * count; terminating ones do until they are gone), and binds it to the least-loaded node that fits
 * (DaemonSet pods come already bound). The binding writes PodScheduled and the `Scheduled` event
 * (through events.k8s.io, as kube-scheduler records it: action Binding, eventTime, reported by
 * `default-scheduler-<its host>`).
 *
 * A pod that fits no node stays Pending with PodScheduled False / Unschedulable and a Warning
 * `FailedScheduling` event (action Scheduling), worded as FitError and the preemption PostFilter
 * write it in 1.32: `0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are
 * available: 1 No preemption victims found for incoming pod.` (every simulated pod has priority 0,
 * so preemption never finds a victim). It is retried when a pod goes away or finishes, which is
 * when room can appear; a retry failing with the same message records no new event (a real
 * scheduler counts those in the event's series).
 */
import type { EventRecorder } from './event-recorder.js';
import type { Pod } from './k8s-types.js';
import type { Node } from './node-object.js';
import type { ObjectStore } from './object-store.js';
import { podRequests, type Amounts } from './pod-resources.js';
import { setCondition } from './pod-status.js';
import type { ScaledTimers } from './scaled-timers.js';
import { amountOf } from './quantity-amount.js';

/** kube-scheduler runs on a control-plane host the simulator does not model; this is its name. */
const SCHEDULER_INSTANCE = 'default-scheduler-sim-control-plane';

const terminal = (p: Pod) => p.status.phase === 'Succeeded' || p.status.phase === 'Failed';

export class Scheduler {
  private readonly ipCounters = new Map<string, number>();
  /** Unschedulable pods by namespace/name, with what to do once bound. */
  private readonly waiting = new Map<string, (pod: Pod) => void>();
  private readonly lastFailure = new Map<string, string>();
  private retryPending = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly timers: ScaledTimers,
    private readonly nodes: readonly string[],
  ) {}

  /** Retries unschedulable pods whenever room may have appeared; returns the unsubscribe function. */
  attach(): () => void {
    return this.store.subscribe((change) => {
      if (change.kind !== 'Pod' || this.waiting.size === 0) return;
      const freed = change.type === 'DELETED' || (change.type === 'MODIFIED' && terminal(change.object as Pod) && !terminal(change.previous as Pod));
      if (freed) this.retrySoon();
    });
  }

  /** Binds the pod to a node and calls `onBound`, now or on a later retry; a pod gone meanwhile is dropped. */
  schedule(namespace: string, name: string, onBound: (pod: Pod) => void): void {
    const key = `${namespace}/${name}`;
    this.waiting.delete(key);
    const pod = this.store.get<Pod>('Pod', namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const node = pod.spec.nodeName ?? this.pick(pod);
    if (typeof node !== 'string') {
      this.refuse(pod, node.message);
      this.waiting.set(key, onBound);
      return;
    }
    this.lastFailure.delete(key);
    const bound = this.store.mutate<Pod>('Pod', namespace, name, (p) => {
      p.spec.nodeName = node;
      setCondition(p, 'PodScheduled', true, Date.now());
    });
    if (!bound) return;
    this.events.recordNew(bound, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${name} to ${node}`, 'default-scheduler', SCHEDULER_INSTANCE);
    onBound(bound);
  }

  podIp(node: string): string {
    const next = ((this.ipCounters.get(node) ?? 0) % 250) + 1;
    this.ipCounters.set(node, next);
    return `10.244.${this.nodeIndex(node)}.${next + 1}`;
  }

  hostIp(node: string): string {
    return `10.0.0.${10 + this.nodeIndex(node)}`;
  }

  private nodeIndex(node: string): number {
    return Math.max(0, this.nodes.indexOf(node));
  }

  private retrySoon(): void {
    if (this.retryPending) return;
    this.retryPending = true;
    this.timers.afterMs(0, () => {
      this.retryPending = false;
      for (const [key, onBound] of [...this.waiting]) {
        const [namespace = '', name = ''] = key.split('/');
        this.schedule(namespace, name, onBound);
      }
    });
  }

  /** NodeResourcesFit's reasons for each node, then the least-loaded node with none, or the FitError. */
  private pick(pod: Pod): string | { message: string } {
    const want: Amounts = podRequests(pod.spec);
    const bound = this.store.list<Pod>('Pod').filter((p) => p.spec.nodeName && !terminal(p) && p.metadata.uid !== pod.metadata.uid);
    const reasons = new Map<string, number>();
    const fitting: Array<[string, number]> = [];
    for (const name of this.nodes) {
      const node = this.store.get<Node>('Node', undefined, name);
      if (!node) continue;
      const here = bound.filter((p) => p.spec.nodeName === name);
      const used: Amounts = { memory: 0, cpu: 0 };
      for (const p of here) {
        const r = podRequests(p.spec);
        used.memory = (used.memory ?? 0) + (r.memory ?? 0);
        used.cpu = (used.cpu ?? 0) + (r.cpu ?? 0);
      }
      const failed: string[] = [];
      if (here.length + 1 > Number(node.status.allocatable.pods ?? 110)) failed.push('Too many pods');
      if ((want.cpu ?? 0) > 0 && (want.cpu ?? 0) > amountOf(node.status.allocatable.cpu, 'cpu') - (used.cpu ?? 0)) failed.push('Insufficient cpu');
      if ((want.memory ?? 0) > 0 && (want.memory ?? 0) > amountOf(node.status.allocatable.memory, 'memory') - (used.memory ?? 0)) failed.push('Insufficient memory');
      if (failed.length === 0) fitting.push([name, here.length]);
      for (const reason of failed) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const best = fitting.sort((a, b) => a[1] - b[1])[0];
    if (best) return best[0];
    const total = this.nodes.length;
    // FitError.Error: reasons as "<count> <reason>", sorted as strings; then the PostFilter's message.
    const histogram = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
    return { message: `0/${total} nodes are available: ${histogram.join(', ')}. preemption: 0/${total} nodes are available: ${total} No preemption victims found for incoming pod.` };
  }

  private refuse(pod: Pod, message: string): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const updated = this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      setCondition(p, 'PodScheduled', false, Date.now(), 'Unschedulable', message);
    });
    if (!updated || this.lastFailure.get(key) === message) return;
    this.lastFailure.set(key, message);
    this.events.recordNew(updated, 'Warning', 'FailedScheduling', 'Scheduling', message, 'default-scheduler', SCHEDULER_INSTANCE);
  }
}

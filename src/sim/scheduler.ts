/**
 * The default-scheduler's part: picks the least-loaded simulated node for a pod (DaemonSet pods
 * come already bound), writes the binding with the PodScheduled condition and the `Scheduled` event
 * (through events.k8s.io, as kube-scheduler records it: action Binding, eventTime, reported by
 * `default-scheduler-<its host>`), and hands out pod and host IPs per node (10.244.<node>.x /
 * 10.0.0.<10+node>).
 */
import type { EventRecorder } from './event-recorder.js';
import type { Pod } from './k8s-types.js';
import type { ObjectStore } from './object-store.js';
import { setCondition } from './pod-status.js';

/** kube-scheduler runs on a control-plane host the simulator does not model; this is its name. */
const SCHEDULER_INSTANCE = 'default-scheduler-sim-control-plane';

export class Scheduler {
  private readonly ipCounters = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly nodes: readonly string[],
  ) {}

  /** Binds the pod to a node; returns the updated pod, or undefined if it is gone. */
  bind(namespace: string, name: string): Pod | undefined {
    const node = this.store.get<Pod>('Pod', namespace, name)?.spec.nodeName ?? this.leastLoadedNode();
    const pod = this.store.mutate<Pod>('Pod', namespace, name, (p) => {
      p.spec.nodeName = node;
      setCondition(p, 'PodScheduled', true, Date.now());
    });
    if (pod) this.events.recordNew(pod, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${name} to ${node}`, 'default-scheduler', SCHEDULER_INSTANCE);
    return pod;
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

  private leastLoadedNode(): string {
    const pods = this.store.list<Pod>('Pod');
    const load = (node: string) => pods.filter((p) => p.spec.nodeName === node).length;
    return [...this.nodes].sort((a, b) => load(a) - load(b))[0] ?? 'sim-node-1';
  }
}

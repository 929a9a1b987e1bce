/**
 * What the processes in each container do (memory, run time, exit code, HTTP endpoints, exec
 * answers). Kubernetes objects have no place for this, so it is kept beside them, per workload and
 * container name: a patched pod template (new limits, even a new image) still runs the same program,
 * which is exactly the question a raised memory limit has to answer.
 */
import { parseQuantity } from '../core/quantity.js';
import type { Pod } from './k8s-types.js';
import type { MemoryProfile } from './memory-profile.js';
import type { ObjectStore } from './object-store.js';
import type { ScenarioContainer, ScenarioHttp } from './scenario-schema.js';

export interface ExecAnswer {
  command: string[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ContainerBehaviour {
  peakBytes: number;
  steadyBytes: number;
  /** Undefined: runs until stopped (init containers then default to 2 s). */
  runSeconds?: number;
  exitCode?: number;
  http?: ScenarioHttp & { port: number };
  exec: ExecAnswer[];
}

const DEFAULT_INIT_SECONDS = 2;

/** A container nobody described (added by a patch): small, quick, well-behaved. */
const UNKNOWN: ContainerBehaviour = { peakBytes: 16 * 1024 * 1024, steadyBytes: 16 * 1024 * 1024, exec: [] };

export function fromScenario(c: ScenarioContainer): ContainerBehaviour {
  const peakBytes = parseQuantity(c.peakMemory);
  const behaviour: ContainerBehaviour = {
    peakBytes,
    steadyBytes: c.steadyMemory === undefined ? peakBytes : parseQuantity(c.steadyMemory),
    exec: c.exec,
  };
  if (c.runSeconds !== undefined) behaviour.runSeconds = c.runSeconds;
  if (c.exitCode !== undefined) behaviour.exitCode = c.exitCode;
  if (c.http) behaviour.http = { ...c.http, port: c.http.port ?? (c.ports[0] as number) };
  return behaviour;
}

/** Simulated seconds the process runs before exiting by itself, or undefined for "until stopped". */
export function runSecondsOf(b: ContainerBehaviour, init: boolean): number | undefined {
  if (b.runSeconds !== undefined) return b.runSeconds;
  if (init) return DEFAULT_INIT_SECONDS;
  return b.exitCode !== undefined ? DEFAULT_INIT_SECONDS : undefined;
}

export function memoryProfileOf(b: ContainerBehaviour, init: boolean): MemoryProfile {
  const run = runSecondsOf(b, init);
  const rampSeconds = init ? 0.8 * (run ?? DEFAULT_INIT_SECONDS) : Math.min(2, 0.8 * (run ?? 2.5));
  return { peakBytes: b.peakBytes, steadyBytes: b.steadyBytes, rampSeconds };
}

export class BehaviourBook {
  private readonly byWorkload = new Map<string, Map<string, ContainerBehaviour>>();

  add(kind: string, namespace: string, name: string, containers: ScenarioContainer[]): void {
    this.byWorkload.set(`${kind}/${namespace}/${name}`, new Map(containers.map((c) => [c.name, fromScenario(c)])));
  }

  /** The workload a pod's programs come from: its Deployment (through the ReplicaSet), StatefulSet, DaemonSet, or itself. */
  workloadKeyOf(pod: Pod, store: ObjectStore): string {
    const ns = pod.metadata.namespace ?? '';
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    if (!owner) return `Pod/${ns}/${pod.metadata.name}`;
    if (owner.kind === 'ReplicaSet') {
      const rs = store.get('ReplicaSet', ns, owner.name);
      const top = rs?.metadata.ownerReferences?.find((o) => o.controller);
      if (top) return `${top.kind}/${ns}/${top.name}`;
    }
    return `${owner.kind}/${ns}/${owner.name}`;
  }

  forContainer(workloadKey: string, containerName: string): ContainerBehaviour {
    return this.byWorkload.get(workloadKey)?.get(containerName) ?? UNKNOWN;
  }

  forPod(pod: Pod, store: ObjectStore, containerName: string): ContainerBehaviour {
    return this.forContainer(this.workloadKeyOf(pod, store), containerName);
  }
}

/**
 * What the processes in each container do (memory, run time, exit code, HTTP endpoints, exec
 * answers). Kubernetes objects have no place for this, so it is kept beside them, per workload and
 * container name: a patched pod template (new limits, even an unknown image) still runs the same
 * program, which is exactly the question a raised memory limit has to answer. The one exception is
 * an image the scenario lists under `images:` (matched by reference or digest): the image decides
 * what runs, so switching a container to a slimmer image changes its memory curve.
 */
import { parseQuantity } from '../core/quantity.js';
import type { ImageCatalog } from './image-catalog.js';
import type { Pod } from './k8s-types.js';
import type { MemoryProfile } from './memory-profile.js';
import type { ObjectStore } from './object-store.js';
import type { ScenarioContainer, ScenarioHttp, ScenarioImage, ScenarioProgram } from './scenario-schema.js';

export interface ExecAnswer {
  command: string[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ContainerBehaviour {
  peakBytes: number;
  steadyBytes: number;
  startBytes: number;
  rampSeconds?: number;
  /** Undefined: runs until stopped (init containers then default to 2 s). */
  runSeconds?: number;
  exitCode?: number;
  /** The process name (comm); undefined: the container's name. */
  process?: string;
  /** Sim seconds after each start from which the liveness probe fails. */
  livenessFailsAfterSeconds?: number;
  http?: ScenarioHttp & { port: number };
  exec: ExecAnswer[];
}

const DEFAULT_INIT_SECONDS = 2;
const START_FRACTION = 0.1;
const MiB = 1024 * 1024;

/** A container nobody described (added by a patch): small, quick, well-behaved. */
const UNKNOWN: ContainerBehaviour = { peakBytes: 16 * MiB, steadyBytes: 16 * MiB, startBytes: 1.6 * MiB, exec: [] };

function fromProgram(p: ScenarioProgram, port: number | undefined): ContainerBehaviour {
  const peakBytes = parseQuantity(p.peakMemory);
  const behaviour: ContainerBehaviour = {
    peakBytes,
    steadyBytes: p.steadyMemory === undefined ? peakBytes : parseQuantity(p.steadyMemory),
    startBytes: p.startMemory === undefined ? peakBytes * START_FRACTION : parseQuantity(p.startMemory),
    exec: p.exec,
  };
  if (p.rampSeconds !== undefined) behaviour.rampSeconds = p.rampSeconds;
  if (p.runSeconds !== undefined) behaviour.runSeconds = p.runSeconds;
  if (p.exitCode !== undefined) behaviour.exitCode = p.exitCode;
  if (p.process !== undefined) behaviour.process = p.process;
  if (p.http) behaviour.http = { ...p.http, port: p.http.port ?? (port as number) };
  return behaviour;
}

export function fromScenario(c: ScenarioContainer): ContainerBehaviour {
  const behaviour = fromProgram(c, c.ports[0]);
  if (c.livenessFailsAfterSeconds !== undefined) behaviour.livenessFailsAfterSeconds = c.livenessFailsAfterSeconds;
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
  const rampSeconds = b.rampSeconds ?? (init ? 0.8 * (run ?? DEFAULT_INIT_SECONDS) : Math.min(2, 0.8 * (run ?? 2.5)));
  return { peakBytes: b.peakBytes, steadyBytes: b.steadyBytes, startBytes: b.startBytes, rampSeconds };
}

export class BehaviourBook {
  private readonly byWorkload = new Map<string, Map<string, ContainerBehaviour>>();
  /** Image programs by digest. */
  private readonly byImage = new Map<string, ContainerBehaviour>();

  constructor(private readonly images: ImageCatalog) {}

  add(kind: string, namespace: string, name: string, containers: ScenarioContainer[]): void {
    this.byWorkload.set(`${kind}/${namespace}/${name}`, new Map(containers.map((c) => [c.name, fromScenario(c)])));
  }

  addImage(image: ScenarioImage): void {
    this.byImage.set(this.images.facts(image.image).digest, fromProgram(image, undefined));
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

  /** The program of a container running `image` (an `images:` entry for it wins over the container's own). */
  forContainer(workloadKey: string, containerName: string, image?: string): ContainerBehaviour {
    const own = this.byWorkload.get(workloadKey)?.get(containerName);
    const program = image === undefined ? undefined : this.byImage.get(this.images.facts(image).digest);
    if (program) return own?.livenessFailsAfterSeconds === undefined ? program : { ...program, livenessFailsAfterSeconds: own.livenessFailsAfterSeconds };
    return own ?? UNKNOWN;
  }

  forPod(pod: Pod, store: ObjectStore, containerName: string): ContainerBehaviour {
    const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === containerName);
    return this.forContainer(this.workloadKeyOf(pod, store), containerName, spec?.image);
  }
}

import type { ContainerSpec, Quantities } from '../k8s-types.js';
import { parseQuantity, QuantityError } from '../quantity.js';

/** A container as the scheduler reads it: `restartPolicy: Always` on an init container makes it a sidecar. */
export interface SchedulingContainer extends ContainerSpec {
  restartPolicy?: string;
}

/** The parts of a pod spec (or a workload's pod template spec) that decide its memory footprint. */
export interface SchedulingPodSpec {
  initContainers?: SchedulingContainer[];
  containers: SchedulingContainer[];
  /** RuntimeClass overhead (`spec.overhead`), charged on top of the containers. */
  overhead?: Quantities;
}

export interface PodMemory {
  /** What the scheduler fits on a node and `requests.memory` quota charges, overhead included. */
  requestBytes: number;
  /** What `limits.memory` quota charges: the same formula over the limits that are set, plus overhead when non-zero. */
  limitBytes: number;
  /** Containers with no memory limit ("init container migrate"): their memory is bounded only by the node. */
  unlimited: string[];
  /** Quantities that could not be read (counted as absent), and a spec that is not a pod spec. */
  problems: string[];
}

interface Amounts {
  request: number;
  /** null: no memory limit written. */
  limit: number | null;
}

function memoryOf(container: unknown, where: string, problems: string[]): Amounts & { name: string } {
  const c = (typeof container === 'object' && container !== null ? container : {}) as Partial<SchedulingContainer>;
  const name = typeof c.name === 'string' ? c.name : '(unnamed)';
  const read = (field: 'limits' | 'requests'): number | null => {
    const text: unknown = c.resources?.[field]?.memory;
    if (text === undefined || text === null) return null;
    try {
      return parseQuantity(String(text));
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      problems.push(`${where} ${name}: resources.${field}.memory ${JSON.stringify(text).slice(0, 40)} is not a quantity; counted as unset`);
      return null;
    }
  };
  const limit = read('limits');
  // The API server defaults a missing request to the limit on a Pod (not on a pod template), in
  // kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Pod, for containers and init containers alike.
  const request = read('requests') ?? limit ?? 0;
  return { name, request, limit };
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The pod's effective memory request and limit, as the scheduler and the quota controller count
 * them: kubernetes `staging/src/k8s.io/component-helpers/resource/helpers.go`
 * `aggregateContainerResourcesByFn` (used by `PodRequests` and `PodLimits`, which the quota
 * evaluator `pkg/quota/v1/evaluator/core/pods.go` `PodUsageFunc` calls too):
 * - app containers are summed;
 * - a sidecar (init container with `restartPolicy: Always`) is added to that sum, and keeps running
 *   while every later init container runs: init container i needs its own amount plus the sidecars
 *   declared before it (a sidecar declared after it is not running yet);
 * - the pod needs the larger of that sum and the largest init container's need;
 * - `spec.overhead` is added to the request, and to the limit only when the limit is non-zero.
 * Pod-level `spec.resources` (the PodLevelResources feature) is not read.
 */
export function effectivePodRequest(spec: SchedulingPodSpec): PodMemory {
  const problems: string[] = [];
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.containers)) {
    problems.push('the pod spec has no list of containers: its memory cannot be computed');
  }
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Partial<SchedulingPodSpec>;
  const unlimited: string[] = [];
  const note = (kind: string, a: Amounts & { name: string }) => {
    if (a.limit === null) unlimited.push(`${kind} ${a.name}`);
    return a;
  };

  const sum = { request: 0, limit: 0 };
  let anyLimit = false;
  for (const raw of listOf(s.containers)) {
    const a = note('container', memoryOf(raw, 'container', problems));
    sum.request += a.request;
    sum.limit += a.limit ?? 0;
    anyLimit ||= a.limit !== null;
  }

  const sidecars = { request: 0, limit: 0 };
  const initNeed = { request: 0, limit: 0 };
  for (const raw of listOf(s.initContainers)) {
    const sidecar = typeof raw === 'object' && raw !== null && (raw as SchedulingContainer).restartPolicy === 'Always';
    const a = note(sidecar ? 'sidecar container' : 'init container', memoryOf(raw, sidecar ? 'sidecar container' : 'init container', problems));
    anyLimit ||= a.limit !== null;
    if (sidecar) {
      sum.request += a.request;
      sum.limit += a.limit ?? 0;
      sidecars.request += a.request;
      sidecars.limit += a.limit ?? 0;
      initNeed.request = Math.max(initNeed.request, sidecars.request);
      initNeed.limit = Math.max(initNeed.limit, sidecars.limit);
    } else {
      initNeed.request = Math.max(initNeed.request, a.request + sidecars.request);
      initNeed.limit = Math.max(initNeed.limit, (a.limit ?? 0) + sidecars.limit);
    }
  }

  let overhead = 0;
  const overheadText: unknown = s.overhead?.memory;
  if (overheadText !== undefined && overheadText !== null) {
    try {
      overhead = parseQuantity(String(overheadText));
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      problems.push(`spec.overhead.memory ${JSON.stringify(overheadText).slice(0, 40)} is not a quantity; counted as none`);
    }
  }

  const limit = Math.max(sum.limit, initNeed.limit);
  return {
    requestBytes: Math.max(sum.request, initNeed.request) + overhead,
    limitBytes: anyLimit && limit > 0 ? limit + overhead : limit,
    unlimited,
    problems,
  };
}

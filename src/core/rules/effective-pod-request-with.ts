import type { ContainerKind } from './containers-field.js';
import { containersField } from './containers-field.js';
import { effectivePodRequest, type PodMemory, type SchedulingContainer, type SchedulingPodSpec } from './effective-pod-request.js';

export interface ContainerRef {
  kind: ContainerKind;
  name: string;
}

/** The memory to give the container: a number of bytes, or null to leave that field unset. */
export interface ContainerMemory {
  limitBytes: number | null;
  requestBytes: number | null;
}

export type PodMemoryChange = { ok: true; before: PodMemory; after: PodMemory } | { ok: false; problem: string };

function withMemory(c: SchedulingContainer, memory: ContainerMemory): SchedulingContainer {
  const set = (existing: Record<string, string> | undefined, bytes: number | null) => {
    const rest = Object.fromEntries(Object.entries(existing ?? {}).filter(([key]) => key !== 'memory'));
    return bytes === null ? rest : { ...rest, memory: String(bytes) };
  };
  return { ...c, resources: { limits: set(c.resources?.limits, memory.limitBytes), requests: set(c.resources?.requests, memory.requestBytes) } };
}

const isBytes = (n: unknown) => n === null || (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);

/**
 * The pod's effective memory before and after one container's memory limit and request are
 * replaced, as a patch would replace them: what the scheduler and the quota would see change.
 */
export function effectivePodRequestWith(spec: SchedulingPodSpec, target: ContainerRef, memory: ContainerMemory): PodMemoryChange {
  if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.containers)) {
    return { ok: false, problem: 'the pod spec has no list of containers: its memory cannot be computed' };
  }
  if (!isBytes(memory?.limitBytes) || !isBytes(memory?.requestBytes)) {
    return { ok: false, problem: `the new memory must be whole numbers of bytes or null, got limit ${String(memory?.limitBytes)} and request ${String(memory?.requestBytes)}` };
  }
  const field = containersField(target?.kind === 'init' ? 'init' : 'app');
  const list = spec[field];
  const index = Array.isArray(list) ? list.findIndex((c) => typeof c === 'object' && c !== null && c.name === target?.name) : -1;
  if (!Array.isArray(list) || index < 0) {
    return { ok: false, problem: `the pod spec has no ${target?.kind === 'init' ? 'init container' : 'container'} named ${JSON.stringify(target?.name)}` };
  }
  const replaced = list.map((c, i) => (i === index ? withMemory(c, memory) : c));
  return { ok: true, before: effectivePodRequest(spec), after: effectivePodRequest({ ...spec, [field]: replaced }) };
}

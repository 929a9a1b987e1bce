import type { Workload } from '../k8s-types.js';
import { parseQuantity } from '../quantity.js';
import { bytesOrNull } from './bytes-or-null.js';
import { containersField, type ContainerKind, type ContainersField } from './containers-field.js';
import { findSpecContainer } from './find-spec-container.js';

/** Strategic merge matches list entries by `name`, so one entry patches one container. */
export type LimitPatch = {
  spec: { template: { spec: Partial<Record<ContainersField, Array<{ name: string; resources: { limits: { memory: string | null }; requests?: { memory: string | null } } }>>> } };
};

export interface LimitPatchInput {
  kind: ContainerKind;
  container: string;
  /** The new limit, or null to delete it: a rollback to a container that had no limit. */
  limit: string | null;
  /** The request to write with it (a Guaranteed container's request rises with its limit); absent leaves it as it is. */
  request?: string | null;
}

/**
 * The strategic-merge patch that sets (or, with null, removes) one container's memory limit in a
 * workload's pod template. Throws QuantityError for a limit that is not a quantity: callers pass
 * values they computed or validated, so a bad one is a bug, not user input.
 */
export function buildLimitPatch({ kind, container, limit, request }: LimitPatchInput): LimitPatch {
  if (limit !== null) parseQuantity(limit);
  if (request) parseQuantity(request);
  const resources = { limits: { memory: limit }, ...(request !== undefined ? { requests: { memory: request } } : {}) };
  return { spec: { template: { spec: { [containersField(kind)]: [{ name: container, resources }] } } } };
}

/**
 * Whether the container is Guaranteed for memory (its request equals its limit): its request must
 * rise with the limit, or the pod's QoS class and scheduling change under it.
 */
export function requestFollowsLimit(current: { limit: string | null; request: string | null }): boolean {
  const limit = bytesOrNull(current.limit);
  return limit !== null && bytesOrNull(current.request) === limit;
}

/** The memory limit and request of a template container as written, or null when it isn't there. */
export function memoryOf(workload: Workload, kind: ContainerKind, container: string): { limit: string | null; request: string | null } | null {
  const spec = findSpecContainer(workload.spec.template.spec, kind, container);
  if (!spec) return null;
  return { limit: spec.resources?.limits?.memory ?? null, request: spec.resources?.requests?.memory ?? null };
}

/**
 * Whether the template already has `limit`, compared in bytes (128Mi == 134217728): apply checks
 * this before patching again after a crash, and the API server may have rewritten the quantity.
 */
export function hasMemoryLimit(workload: Workload, kind: ContainerKind, container: string, limit: string): boolean {
  const current = bytesOrNull(memoryOf(workload, kind, container)?.limit);
  return current !== null && current === parseQuantity(limit);
}

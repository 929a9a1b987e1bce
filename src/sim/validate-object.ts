/**
 * Server-side validation of what clients write (workloads and Leases), producing the API server's
 * 422 Invalid with one cause per field: `spec.template.spec.initContainers[0].resources.limits[memory]:
 * Invalid value: "64MB": ...`. Only the rules a memory-limit patch or a Lease update can break are
 * checked; the rest of the schema is taken on trust.
 */
import { parseQuantity, QuantityError } from '../core/quantity.js';
import { ApiError, type StatusCause } from './api-error.js';
import type { Container, KubeObject, Workload } from './k8s-types.js';
import { labelSelectorFromSpec } from './label-selector.js';
import type { ResourceDef } from './resource-registry.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY_HINT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` };
}

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', field, message: 'Required value' };
}

function quantityOf(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseQuantity(String(value));
  } catch (error) {
    if (error instanceof QuantityError) return undefined;
    throw error;
  }
}

function validateContainers(list: unknown, path: string, causes: StatusCause[], names: Set<string>): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    causes.push(invalid(path, list, 'must be a list of containers'));
    return;
  }
  (list as Container[]).forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c || typeof c !== 'object') return void causes.push(invalid(at, c, 'must be a container object'));
    if (typeof c.name !== 'string' || c.name === '') causes.push(required(`${at}.name`));
    else if (!DNS_LABEL.test(c.name)) causes.push(invalid(`${at}.name`, c.name, 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\''));
    else if (names.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', field: `${at}.name`, message: `Duplicate value: "${c.name}"` });
    else names.add(c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '') causes.push(required(`${at}.image`));
    const parsed: Record<string, Record<string, number>> = { limits: {}, requests: {} };
    for (const kind of ['limits', 'requests'] as const) {
      for (const [resource, value] of Object.entries(c.resources?.[kind] ?? {})) {
        const bytes = quantityOf(value);
        if (bytes === undefined) causes.push(invalid(`${at}.resources.${kind}[${resource}]`, value, QUANTITY_HINT));
        else (parsed[kind] as Record<string, number>)[resource] = bytes;
      }
    }
    for (const resource of ['memory', 'cpu']) {
      const limit = parsed.limits?.[resource];
      const request = parsed.requests?.[resource];
      if (limit !== undefined && request !== undefined && request > limit) {
        const shown = c.resources?.requests?.[resource];
        causes.push(invalid(`${at}.resources.requests`, shown, `must be less than or equal to ${resource} limit of ${String(c.resources?.limits?.[resource])}`));
      }
    }
  });
}

function validateWorkload(def: ResourceDef, obj: Workload, previous: Workload | undefined, causes: StatusCause[]): void {
  const spec = obj.spec as Workload['spec'] | undefined;
  if (!spec || typeof spec !== 'object') return void causes.push(required('spec'));
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    causes.push(invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
  const template = spec.template;
  const podSpec = template?.spec;
  if (!podSpec || typeof podSpec !== 'object') return void causes.push(required('spec.template.spec'));
  const names = new Set<string>();
  validateContainers(podSpec.initContainers, 'spec.template.spec.initContainers', causes, names);
  if (!Array.isArray(podSpec.containers) || podSpec.containers.length === 0) causes.push(required('spec.template.spec.containers'));
  else validateContainers(podSpec.containers, 'spec.template.spec.containers', causes, names);
  if (def.kind !== 'ReplicaSet' && podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', message: `Unsupported value: "${String(podSpec.restartPolicy)}": supported values: "Always"` });
  }
  const labels = template.metadata?.labels ?? {};
  if (!labelSelectorFromSpec(spec.selector)(labels)) {
    causes.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  if (previous && JSON.stringify(previous.spec.selector) !== JSON.stringify(spec.selector)) {
    causes.push(invalid('spec.selector', spec.selector, 'field is immutable'));
  }
}

function validateLease(obj: KubeObject, causes: StatusCause[]): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  const duration = spec.leaseDurationSeconds;
  if (duration !== undefined && (!Number.isInteger(duration) || (duration as number) <= 0)) {
    causes.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  if (spec.holderIdentity !== undefined && spec.holderIdentity !== null && typeof spec.holderIdentity !== 'string') {
    causes.push(invalid('spec.holderIdentity', spec.holderIdentity, 'must be a string'));
  }
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field];
    if (value !== undefined && value !== null && (typeof value !== 'string' || !MICRO_TIME.test(value))) {
      causes.push(invalid(`spec.${field}`, value, 'must be an RFC 3339 time with microseconds, e.g. 2025-01-02T03:04:05.000000Z'));
    }
  }
}

/** Throws a 422 ApiError listing every problem of `obj`; `previous` is the stored version on updates. */
export function validateObject(def: ResourceDef, obj: KubeObject, previous?: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = obj.metadata.name;
  if (typeof name !== 'string' || name === '') causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  if (def.group === 'apps') validateWorkload(def, obj as Workload, previous as Workload | undefined, causes);
  if (def.kind === 'Lease') validateLease(obj, causes);
  if (causes.length > 0) throw ApiError.invalid(def.kind, def.group, String(name ?? ''), causes);
}

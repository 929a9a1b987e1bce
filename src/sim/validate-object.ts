/**
 * Server-side validation of what clients write (workloads and Leases), producing the API server's
 * 422 Invalid with one cause per field, e.g. `spec.template.spec.initContainers[0].resources.limits[memory]:
 * Invalid value: "-64Mi": must be greater than or equal to 0`. Values that do not decode at all
 * (`64MB`) never get here: decode-object.ts refuses them first, as the API server's decoder does.
 * Only the rules a workload patch or a Lease update can plausibly break are checked (the pod spec's
 * are in validate-pod-spec.ts); the rest of the schema is taken on trust.
 */
import { ApiError, type StatusCause } from './api-error.js';
import type { KubeObject, Workload } from './k8s-types.js';
import { labelSelectorFromSpec } from './label-selector.js';
import type { ResourceDef } from './resource-registry.js';
import { invalid, required, validatePodSpec } from './validate-pod-spec.js';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** ValidateDeploymentStrategy: rollingUpdate only with type RollingUpdate. */
function validateStrategy(strategy: unknown, causes: StatusCause[]): void {
  if (strategy === undefined || strategy === null || typeof strategy !== 'object') return;
  const { type, rollingUpdate } = strategy as { type?: unknown; rollingUpdate?: unknown };
  if (type === 'Recreate') {
    if (rollingUpdate !== undefined) causes.push({ reason: 'FieldValueForbidden', field: 'spec.strategy.rollingUpdate', message: "Forbidden: may not be specified when strategy `type` is 'Recreate'" });
  } else if (type !== 'RollingUpdate' && type !== undefined) {
    causes.push({ reason: 'FieldValueNotSupported', field: 'spec.strategy.type', message: `Unsupported value: ${JSON.stringify(type)}: supported values: "Recreate", "RollingUpdate"` });
  }
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
  validatePodSpec(podSpec as unknown as Record<string, unknown>, 'spec.template.spec', causes, def.kind === 'ReplicaSet' ? ['Always', 'OnFailure', 'Never'] : ['Always']);
  const labels = template.metadata?.labels ?? {};
  if (!labelSelectorFromSpec(spec.selector)(labels)) {
    causes.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  if (previous && JSON.stringify(previous.spec.selector) !== JSON.stringify(spec.selector)) {
    causes.push(invalid('spec.selector', spec.selector, 'field is immutable'));
  }
  if (def.kind === 'Deployment') validateStrategy(spec.strategy, causes);
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

/**
 * ValidatePodSpec (pkg/apis/core/validation/validation.go) for the rules a workload patch can break,
 * in the API server's order (volumes, containers, init containers, restart policy) and wording:
 * - container names (RFC 1123 label, unique across init and app containers), images required;
 * - resources: quantities not negative ("must be greater than or equal to 0"), requests <= limits;
 * - env: `valueFrom` with exactly one source, never together with a non-empty `value`;
 * - volumes: unique names, exactly one volume source ("may not specify more than 1 volume type").
 */
import type { StatusCause } from './api-error.js';
import { parseGoQuantity, quantityText } from './parse-go-quantity.js';

type Json = Record<string, unknown>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_SOURCES = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const;
/** VolumeSource members in the order validateVolumeSource checks them. */
const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flexVolume', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'configMap', 'scaleIO', 'projected',
  'csi', 'ephemeral', 'image',
] as const;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function invalid(field: string, value: unknown, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` };
}

export function required(field: string, detail = ''): StatusCause {
  return { reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

function forbidden(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

function validateVolumes(volumes: unknown, path: string, causes: StatusCause[]): void {
  if (!Array.isArray(volumes)) return;
  const names = new Set<string>();
  volumes.forEach((volume: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(volume)) return void causes.push(invalid(at, volume, 'must be a volume object'));
    const name = volume.name;
    if (typeof name !== 'string' || name === '') causes.push(required(`${at}.name`));
    else if (names.has(name)) causes.push({ reason: 'FieldValueDuplicate', field: `${at}.name`, message: `Duplicate value: "${name}"` });
    else names.add(name);
    const sources = VOLUME_SOURCES.filter((source) => volume[source] !== undefined);
    if (sources.length === 0) causes.push(required(at, 'must specify a volume type'));
    for (const extra of sources.slice(1)) causes.push(forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
  });
}

function validateEnv(env: unknown, path: string, causes: StatusCause[]): void {
  if (!Array.isArray(env)) return;
  env.forEach((variable: unknown, i) => {
    if (!isObject(variable) || !isObject(variable.valueFrom)) return;
    const at = `${path}[${i}].valueFrom`;
    const from = variable.valueFrom;
    const sources = ENV_SOURCES.filter((s) => from[s] !== undefined).length;
    if (sources === 0) causes.push(invalid(at, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (typeof variable.value === 'string' && variable.value !== '') causes.push(invalid(at, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) causes.push(invalid(at, '', 'may not have more than one field specified at a time'));
  });
}

function validateResources(resources: unknown, path: string, causes: StatusCause[]): void {
  if (!isObject(resources)) return;
  const parsed: Record<'limits' | 'requests', Record<string, number>> = { limits: {}, requests: {} };
  for (const kind of ['limits', 'requests'] as const) {
    const values = resources[kind];
    for (const [name, value] of Object.entries(isObject(values) ? values : {})) {
      const quantity = parseGoQuantity(quantityText(value));
      // Undecodable quantities never get here: the decode refuses them first (decode-object.ts).
      if (!quantity.ok) continue;
      parsed[kind][name] = quantity.value;
      if (quantity.value < 0) causes.push(invalid(`${path}.${kind}[${name}]`, quantityText(value), 'must be greater than or equal to 0'));
    }
  }
  for (const [name, request] of Object.entries(parsed.requests)) {
    const limit = parsed.limits[name];
    if (limit !== undefined && request > limit) {
      const shown = quantityText((resources.requests as Json)[name]);
      causes.push(invalid(`${path}.requests`, shown, `must be less than or equal to ${name} limit of ${quantityText((resources.limits as Json)[name])}`));
    }
  }
}

function validateContainers(list: unknown, path: string, causes: StatusCause[], names: Set<string>): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) return void causes.push(invalid(path, list, 'must be a list of containers'));
  list.forEach((c: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(c)) return void causes.push(invalid(at, c, 'must be a container object'));
    if (typeof c.name !== 'string' || c.name === '') causes.push(required(`${at}.name`));
    else if (!DNS_LABEL.test(c.name)) causes.push(invalid(`${at}.name`, c.name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"));
    else if (names.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', field: `${at}.name`, message: `Duplicate value: "${c.name}"` });
    else names.add(c.name);
    if (typeof c.image !== 'string' || c.image.trim() === '') causes.push(required(`${at}.image`));
    validateEnv(c.env, `${at}.env`, causes);
    validateResources(c.resources, `${at}.resources`, causes);
  });
}

/** Appends a cause for every rule `spec` (at `path`, e.g. `spec.template.spec`) breaks. */
export function validatePodSpec(spec: Json, path: string, causes: StatusCause[], restartPolicies: readonly string[]): void {
  validateVolumes(spec.volumes, `${path}.volumes`, causes);
  const names = new Set<string>();
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) causes.push(required(`${path}.containers`));
  else validateContainers(spec.containers, `${path}.containers`, causes, names);
  validateContainers(spec.initContainers, `${path}.initContainers`, causes, names);
  const policy = spec.restartPolicy;
  if (policy !== undefined && !restartPolicies.includes(String(policy))) {
    const supported = restartPolicies.map((p) => `"${p}"`).join(', ');
    causes.push({ reason: 'FieldValueNotSupported', field: `${path}.restartPolicy`, message: `Unsupported value: "${String(policy)}": supported values: ${supported}` });
  }
}

/**
 * The typed decode the API server performs on every written body (a PATCH result, a PUT or POST
 * body): JSON into the kind's Go struct. What clients notice of it: `null` members become zero
 * values that are not serialized, keys the type does not have (strategic-merge directives left in
 * an added element, `$retainKeys` on a new map) are dropped, and a value the type cannot hold is
 * refused before validation ever runs.
 */
import { ApiError } from './api-error.js';
import type { PatchResult } from './apply-patch.js';
import { goFormat } from './go-format.js';
import { parseGoQuantity, quantityText } from './parse-go-quantity.js';
import type { JsonObject, JsonValue, KubeObject } from './k8s-types.js';
import type { ResourceDef } from './resource-registry.js';

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** Drops null members and `$`-prefixed keys of maps, recursively (list elements are kept). */
export function dropUntyped(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(dropUntyped);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || k.startsWith('$')) continue;
    out[k] = dropUntyped(v);
  }
  return out;
}

/** JSON as Go's json.Marshal writes a decoded document: compact, map keys sorted. */
function goJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goJson(value[k] as JsonValue)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The 422 the patch handler answers when the patched document does not decode: NewInvalid with an
 * empty kind and name, on field `patch`, showing the strategic-merge patch as Go prints a map, or
 * the whole patched document for JSON and merge patches.
 */
export function undecodablePatch(result: PatchResult, problem: string): ApiError {
  const shown = result.type === 'strategic' ? goFormat(result.patch) : goJson(result.patched);
  return ApiError.invalid('', '', '', [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(shown)}: ${problem}` }]);
}

/** The patched document decoded into `def`'s type, or the patch handler's 422. */
export function decodePatched(def: ResourceDef, result: PatchResult): KubeObject {
  if (!isObject(result.patched)) {
    throw undecodablePatch(result, `json: cannot unmarshal ${Array.isArray(result.patched) ? 'array' : 'string'} into Go value of type v1.${def.kind}`);
  }
  const decoded = dropUntyped(result.patched) as JsonObject;
  const problem = quantityDecodeError(decoded);
  if (problem) throw undecodablePatch(result, problem);
  if (!isObject(decoded.metadata)) decoded.metadata = { name: '' };
  return decoded as unknown as KubeObject;
}

/** The pod specs an object carries: a Pod's own, a workload's template. */
function podSpecsOf(object: JsonObject): JsonObject[] {
  const spec = object.spec;
  if (!isObject(spec)) return [];
  const template = spec.template;
  if (isObject(template) && isObject(template.spec)) return [template.spec];
  return 'containers' in spec ? [spec] : [];
}

/**
 * The first value that does not decode into a resource.Quantity, with ParseQuantity's error, in
 * the order Go's decoder meets them (PodSpec field order: volumes, initContainers, containers,
 * ephemeralContainers, overhead; limits before requests).
 */
export function quantityDecodeError(object: JsonObject): string | undefined {
  const check = (value: JsonValue | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseGoQuantity(quantityText(value));
    return parsed.ok ? undefined : parsed.error;
  };
  for (const spec of podSpecsOf(object)) {
    for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) {
      const emptyDir = isObject(volume) ? volume.emptyDir : undefined;
      const problem = isObject(emptyDir) ? check(emptyDir.sizeLimit) : undefined;
      if (problem) return problem;
    }
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      for (const container of Array.isArray(spec[list]) ? (spec[list] as JsonValue[]) : []) {
        const resources = isObject(container) ? container.resources : undefined;
        for (const kind of ['limits', 'requests']) {
          const values = isObject(resources) ? resources[kind] : undefined;
          for (const value of isObject(values) ? Object.values(values) : []) {
            const problem = check(value);
            if (problem) return problem;
          }
        }
      }
    }
    for (const value of isObject(spec.overhead) ? Object.values(spec.overhead) : []) {
      const problem = check(value);
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * A PUT or POST body decoded into `def`'s type: the handler's 400 "<Kind> in version "<v>" cannot be
 * handled as a <Kind>: <decode error>" (transformDecodeError) when a value does not fit.
 */
export function decodeBody(def: ResourceDef, body: JsonObject): KubeObject {
  const decoded = dropUntyped(body) as JsonObject;
  const problem = quantityDecodeError(decoded);
  if (problem) {
    const kind = typeof body.kind === 'string' && body.kind ? body.kind : def.kind;
    const version = typeof body.apiVersion === 'string' && body.apiVersion ? (body.apiVersion.split('/').pop() ?? def.version) : def.version;
    throw ApiError.badRequest(`${kind} in version "${version}" cannot be handled as a ${def.kind}: ${problem}`);
  }
  return decoded as unknown as KubeObject;
}

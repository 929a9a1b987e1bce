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
  const decoded = dropUntyped(result.patched) as unknown as KubeObject;
  if (!isObject(decoded.metadata as JsonValue)) decoded.metadata = { name: '' };
  return decoded;
}

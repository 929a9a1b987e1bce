/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`): maps merge recursively, `null`
 * deletes a key, and any list is replaced as a whole — the reason kubectl users prefer strategic
 * merge for container lists.
 */
import type { JsonObject, JsonValue } from './k8s-types.js';

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Applies `patch` to `target` and returns the result; the inputs are not changed. */
export function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`) as the API server applies it, with
 * gopkg.in/evanphx/json-patch.v4's MergePatch: maps merge recursively, `null` deletes a key, any
 * list is replaced as a whole (the reason kubectl users prefer strategic merge for container lists).
 * Nulls inside a value that is new or replaces a scalar are pruned from maps (not from lists).
 */
import type { JsonObject, JsonValue } from './k8s-types.js';

function isMap(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** pruneNulls: drops null members of maps, recursively, also inside lists (whose nulls stay). */
function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map((v) => (v === null ? v : pruneNulls(v)));
  if (!isMap(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = pruneNulls(v);
  return out;
}

function merge(current: JsonValue, patch: JsonValue): JsonValue {
  if (!isMap(current)) return pruneNulls(patch);
  if (!isMap(patch)) return patch;
  return mergeDocs(current, patch);
}

function mergeDocs(doc: JsonObject, patch: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete doc[k];
    else if (doc[k] === undefined || doc[k] === null) doc[k] = pruneNulls(v);
    else doc[k] = merge(doc[k], v);
  }
  return doc;
}

/** Applies `patch` (a JSON object) to a copy of `target` and returns the result. */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  return mergeDocs(structuredClone(target), structuredClone(patch));
}

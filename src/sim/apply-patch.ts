/**
 * PATCH bodies by Content-Type, as the API server's patch handler (apiserver endpoints/handlers/
 * patch.go) dispatches and decodes them, with its error shapes: a body it cannot decode is a 400, a
 * JSON patch operation that does not apply a 422 "the server rejected our request..." carrying the
 * library's text, a strategic-merge error what interpretStrategicMergePatchError makes of it. The
 * result is then decoded into the kind's type (decode-object.ts), which drops nulls and unknown
 * `$` directive keys and refuses values the type cannot hold. Server-side apply
 * (`application/apply-patch+yaml`) is not simulated and, like any other type, gets 415.
 */
import { ApiError } from './api-error.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import type { JsonObject, JsonValue, KubeObject } from './k8s-types.js';
import { mergePatch } from './merge-patch.js';
import { strategicMerge } from './strategic-merge.js';

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

export type PatchType = 'json' | 'merge' | 'strategic';

/** `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Parses a request body as JSON or throws the API server's 400. */
export function parseJsonBody(body: string): JsonValue {
  try {
    return JSON.parse(body) as JsonValue;
  } catch (error) {
    throw ApiError.badRequest(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** How encoding/json names a JSON value's kind in "cannot unmarshal X into Go value of type Y". */
export function jsonKind(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
}

function isObject(value: JsonValue): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function jsonPatch(original: JsonObject, patch: JsonValue): JsonValue {
  if (patch === null) return original;
  const decodeError = (value: JsonValue, type: string) => ApiError.badRequest(`error decoding patch: json: cannot unmarshal ${jsonKind(value)} into Go value of type ${type}`);
  if (!Array.isArray(patch)) throw decodeError(patch, '[]handlers.jsonPatchOp');
  const bad = patch.find((op) => !isObject(op) && op !== null);
  if (bad !== undefined) throw decodeError(bad, 'handlers.jsonPatchOp');
  try {
    return applyJsonPatch(original, patch.map((op) => op ?? {}) as JsonObject[]);
  } catch (error) {
    if (error instanceof JsonPatchError) throw ApiError.genericServerResponse(422, error.message);
    throw error;
  }
}

function mergeOrReplace(original: JsonObject, patch: JsonValue): JsonValue {
  if (isObject(patch)) return mergePatch(original, patch);
  // evanphx MergePatch: a list body becomes the whole document (and fails the typed decode); null
  // and scalars are ErrBadJSONPatch.
  if (Array.isArray(patch)) return patch;
  throw ApiError.badRequest('Invalid JSON Patch');
}

function strategic(original: JsonObject, patch: JsonValue): JsonValue {
  if (patch === null) return original;
  if (!isObject(patch)) throw ApiError.badRequest(`json: cannot unmarshal ${jsonKind(patch)} into Go value of type map[string]interface {}`);
  return strategicMerge(original, patch);
}

export interface PatchResult {
  type: PatchType;
  /** The patched document, before the typed decode. */
  patched: JsonValue;
  /** What the strategic-merge handler prints as the invalid value when the decode fails. */
  patch: JsonValue;
}

/** Applies the PATCH `body` of `contentType` to `current` (not changed) and returns the raw result. */
export function applyPatch(contentType: string | undefined, current: KubeObject, body: string): PatchResult {
  const media = mediaType(contentType);
  if (!(PATCH_CONTENT_TYPES as readonly string[]).includes(media)) {
    throw ApiError.unsupportedMediaType(media, PATCH_CONTENT_TYPES);
  }
  const patch = parseJsonBody(body);
  const original = current as unknown as JsonObject;
  if (media === 'application/json-patch+json') return { type: 'json', patched: jsonPatch(original, patch), patch };
  if (media === 'application/merge-patch+json') return { type: 'merge', patched: mergeOrReplace(original, patch), patch };
  return { type: 'strategic', patched: strategic(original, patch), patch };
}

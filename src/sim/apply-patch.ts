/**
 * PATCH bodies by Content-Type, as the API server dispatches them. Server-side apply
 * (`application/apply-patch+yaml`) is not simulated and, like any other type, gets 415.
 */
import { ApiError } from './api-error.js';
import { applyJsonPatch } from './json-patch.js';
import type { JsonValue, KubeObject } from './k8s-types.js';
import { mergePatch } from './merge-patch.js';
import { strategicMerge } from './strategic-merge.js';

export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

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

/** The object `current` becomes under the PATCH `body` of `contentType`; `current` is not changed. */
export function applyPatch(contentType: string | undefined, current: KubeObject, body: string): KubeObject {
  const type = mediaType(contentType);
  if (!(PATCH_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw ApiError.unsupportedMediaType(type, PATCH_CONTENT_TYPES);
  }
  const patch = parseJsonBody(body);
  const original = current as unknown as JsonValue;
  let result: JsonValue | undefined;
  if (type === 'application/json-patch+json') {
    result = applyJsonPatch(original, patch);
  } else {
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw ApiError.badRequest(`a ${type} body must be a JSON object`);
    }
    result = type === 'application/merge-patch+json' ? mergePatch(original, patch) : strategicMerge(original, patch);
  }
  if (result === null || result === undefined || typeof result !== 'object' || Array.isArray(result)) {
    throw new ApiError(422, 'Invalid', 'the patch leaves no object behind');
  }
  const patched = result as unknown as KubeObject;
  if (patched.metadata === null || typeof patched.metadata !== 'object') {
    throw new ApiError(422, 'Invalid', 'metadata: Required value: the patch removes the object metadata');
  }
  return patched;
}

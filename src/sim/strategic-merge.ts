/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the patch type kubectl and the
 * bot use to change one container's resources without restating the whole pod template.
 * Lists with a merge key (containers and initContainers by `name`, ports by `containerPort`, ...) are
 * merged element by element; other lists are replaced; maps merge recursively; `null` deletes a key.
 * Directives: `$patch: replace | delete` on maps and list elements, `$deleteFromPrimitiveList/<field>`;
 * `$setElementOrder/<field>` and `$retainKeys` are accepted and ignored (order is kept as merged).
 * Merge keys are looked up by field name rather than from OpenAPI schemas: every list the simulator
 * stores with a given name has the same strategy, so the schema walk would buy nothing here.
 */
import { ApiError } from './api-error.js';
import type { JsonObject, JsonValue } from './k8s-types.js';

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** Lists of scalars whose strategy is "merge": the patch adds values instead of replacing the list. */
const PRIMITIVE_MERGE = new Set(['finalizers']);

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isDirective(key: string): boolean {
  return key.startsWith('$');
}

function mergeList(field: string, original: JsonValue | undefined, patch: JsonValue[]): JsonValue[] {
  const base = Array.isArray(original) ? structuredClone(original) : [];
  if (PRIMITIVE_MERGE.has(field)) {
    return [...base, ...patch.filter((v) => !base.some((b) => JSON.stringify(b) === JSON.stringify(v)))];
  }
  const mergeKey = MERGE_KEYS[field];
  const replaceAll = patch.some((item) => isObject(item) && item.$patch === 'replace');
  if (!mergeKey || replaceAll) {
    return patch
      .filter((item) => !(isObject(item) && item.$patch === 'replace'))
      .map((item) => (isObject(item) ? (strategicMerge({}, item) as JsonValue) : item));
  }
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined) {
      throw ApiError.badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    const id = JSON.stringify(item[mergeKey]);
    const index = base.findIndex((b) => isObject(b) && JSON.stringify(b[mergeKey]) === id);
    if (item.$patch === 'delete') {
      if (index !== -1) base.splice(index, 1);
    } else if (index === -1) {
      base.push(strategicMerge({}, item) as JsonValue);
    } else {
      base[index] = strategicMerge(base[index], item) as JsonValue;
    }
  }
  return base;
}

/**
 * Applies `patch` to `original` and returns the result (inputs are not changed); `undefined` means
 * the patch deleted the whole value (`$patch: delete`). Throws a 400 ApiError for a malformed patch.
 */
export function strategicMerge(original: JsonValue | undefined, patch: JsonValue): JsonValue | undefined {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: JsonObject = isObject(original) && patch.$patch !== 'replace' ? structuredClone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        const drop = new Set(value.map((v) => JSON.stringify(v)));
        result[field] = current.filter((v) => !drop.has(JSON.stringify(v)));
      }
      continue;
    }
    if (isDirective(key)) {
      if (key === '$patch' && value !== 'replace' && value !== 'delete' && value !== 'merge') {
        throw ApiError.badRequest(`unknown patch type: ${JSON.stringify(value)} in map: ${JSON.stringify(patch)}`);
      }
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else if (isObject(value)) {
      const merged = strategicMerge(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  return result;
}

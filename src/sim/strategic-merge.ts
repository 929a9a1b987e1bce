/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as apimachinery applies it on
 * the API server (util/strategicpatch/patch.go, StrategicMergeMapPatch with MergeParallelList and
 * IgnoreUnmatchedNulls): maps merge recursively and `null` deletes a key; lists with a merge key
 * merge element by element and land in the order normalize-element-order.ts describes; scalar
 * lists with the merge strategy (finalizers) merge as sets; all other lists are replaced. Directives:
 * `$patch: replace | delete` on maps and list elements, `$retainKeys`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>`. Like the Go code it copies new values in raw (nulls and
 * directives inside an added element stay); apply-patch.ts then drops them as the typed decode does.
 *
 * Merge keys come from a table by field name rather than the Go struct tags: every list the
 * simulator serves under a given name has the same tags (see patchMetaOf). Checked against the real
 * code through `kubectl patch --local` in test/sim/patch-oracle.test.ts.
 */
import { ApiError } from './api-error.js';
import { goFormat } from './go-format.js';
import type { JsonObject, JsonValue } from './k8s-types.js';
import { deduplicateScalars, isMap, noMergeKey, normalizeElementOrder, partitionByPresence } from './normalize-element-order.js';

const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/** `patchStrategy:"merge" patchMergeKey:...` of core/v1 and apps/v1 lists. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
};

/** Scalar lists with `patchStrategy:"merge"` (ObjectMeta.finalizers). */
const PRIMITIVE_MERGE = new Set(['finalizers']);

interface PatchMeta {
  merge: boolean;
  mergeKey: string;
}

function patchMetaOf(field: string): PatchMeta {
  if (PRIMITIVE_MERGE.has(field)) return { merge: true, mergeKey: '' };
  const mergeKey = MERGE_KEYS[field];
  return mergeKey ? { merge: true, mergeKey } : { merge: false, mergeKey: '' };
}

const badRetainKeys = () => ApiError.badRequest('invalid patch format of retainKeys');
const badPrimitiveList = () => ApiError.badRequest('invalid patch format of primitive list');
const badSetElementOrder = () => ApiError.badRequest('invalid patch format of setElementOrder list');

/** The list field a `$prefix/field` key names (extractKey). */
function keyAfter(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash === -1 || key.slice(0, slash) !== prefix) throw prefix === SET_ELEMENT_ORDER ? badSetElementOrder() : badPrimitiveList();
  return key.slice(slash + 1);
}

type Kind = 'map' | 'list' | 'scalar';

function kindOf(value: JsonValue): Kind {
  return isMap(value) ? 'map' : Array.isArray(value) ? 'list' : 'scalar';
}

/** Go's reflect.TypeOf comparison of decoded JSON: string, bool, number, map, list, null. */
function sameType(a: JsonValue, b: JsonValue): boolean {
  const type = (v: JsonValue) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);
  return type(a) === type(b);
}

/** sliceElementType: every element of both lists has one type, and it is not a list. */
function elementKind(...lists: JsonValue[][]): Kind {
  const all = lists.flat();
  const first = all[0];
  if (first === undefined) throw ApiError.unclassified('no elements in any of the given slices');
  if (Array.isArray(first)) throw ApiError.genericServerResponse(422, 'lists of lists are not supported');
  if (!all.every((v) => sameType(v, first))) throw ApiError.unclassified(`list element types are not identical: ${goFormat(lists)}`);
  return kindOf(first);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!('$retainKeys' in patch)) return;
  const retain = patch.$retainKeys;
  delete patch.$retainKeys;
  if (!Array.isArray(retain)) throw badRetainKeys();
  const keep = new Set(retain.map((k) => String(k)));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`) || key.startsWith(`${SET_ELEMENT_ORDER}/`)) continue;
    if (!keep.has(key)) throw badRetainKeys();
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** validatePatchWithSetOrderList: the patch list's elements appear in `$setElementOrder` in the same order. */
function checkSetOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isMap(v) && v.$patch === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  const keyOf = (v: JsonValue): JsonValue | undefined => {
    if (!mergeKey) return v;
    if (!isMap(v) || !(mergeKey in v)) throw noMergeKey(v, mergeKey);
    return v[mergeKey];
  };
  while (p < items.length && o < order.length) {
    const item = items[p] as JsonValue;
    if (isMap(item) && '$patch' in item) {
      p++;
      continue;
    }
    if (keyOf(item) === keyOf(order[o] as JsonValue)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw ApiError.unclassified(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

/** mergePatchIntoOriginal: lists named by `$setElementOrder/<list>` are merged and ordered here. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badSetElementOrder();
    const field = keyAfter(key, SET_ELEMENT_ORDER);
    const inOriginal = field in original;
    const inPatch = field in patch;
    const originalList = original[field];
    const patchList = patch[field];
    if ((inOriginal && !Array.isArray(originalList)) || (inPatch && !Array.isArray(patchList))) {
      throw ApiError.unclassified(`expected a []interface {}, but received a ${isMap(originalList ?? null) || isMap(patchList ?? null) ? 'map[string]interface {}' : 'string'}`);
    }
    const live = (originalList ?? []) as JsonValue[];
    const given = (patchList ?? []) as JsonValue[];
    const meta = patchMetaOf(field);
    checkSetOrder(given, order, meta.mergeKey);
    if (!inOriginal && !inPatch) continue;
    const merged = inOriginal && inPatch ? mergeListField(live, given, meta, false) : inOriginal ? live : given;
    const [patchItems, serverOnly] = partitionByPresence(merged, order, meta.mergeKey);
    elementKind(live, given);
    original[field] = normalizeElementOrder(patchItems, serverOnly, order, live, meta.mergeKey);
    delete patch[field];
  }
}

function mergeListField(original: JsonValue[], patch: JsonValue[], meta: PatchMeta, deleteList: boolean): JsonValue[] {
  return meta.merge ? mergeList(original, patch, meta.mergeKey, deleteList) : patch;
}

/** mergeSliceWithSpecialElements: `$patch: delete` removes matches from the live list, `replace` drops it. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  let live = original;
  const rest: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    const map = item as JsonObject;
    if (!('$patch' in map)) {
      rest.push(item);
      continue;
    }
    const directive = map.$patch;
    if (directive === 'delete') {
      if (!(mergeKey in map)) throw noMergeKey(item, mergeKey);
      live = live.filter((v) => !(isMap(v) && v[mergeKey] === map[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw ApiError.unclassified('merging lists cannot yet be specified in the patch');
    } else {
      throw ApiError.unclassified(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(item)}`);
    }
  }
  return replace ? [rest, []] : [live, rest];
}

function mergeList(original: JsonValue[], patch: JsonValue[], mergeKey: string, deleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let live = original;
  let items = patch;
  let merged: JsonValue[];
  if (kind !== 'map') {
    if (deleteList) return original.filter((v) => !patch.includes(v));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw ApiError.unclassified('cannot merge lists without merge key for type map');
    [live, items] = applyListDirectives(original, patch, mergeKey);
    merged = [...live];
    for (const item of items) {
      const map = item as JsonObject;
      if (!(mergeKey in map)) throw noMergeKey(item, mergeKey);
      const at = merged.findIndex((v) => isMap(v) && v[mergeKey] === map[mergeKey]);
      if (at === -1) merged.push(item);
      else merged[at] = mergeMap(merged[at] as JsonObject, map);
    }
  }
  const key = kind === 'map' ? mergeKey : '';
  const [patchItems, serverOnly] = partitionByPresence(merged, items, key);
  return normalizeElementOrder(patchItems, serverOnly, items, live, key);
}

/** `$patch` on a map: replace with the rest of the patch, delete (an empty map), or an error. */
function mapDirective(patch: JsonObject): JsonObject {
  const directive = patch.$patch;
  if (directive === 'replace') {
    delete patch.$patch;
    return patch;
  }
  if (directive === 'delete') return {};
  throw ApiError.unclassified(`unknown patch type: ${goFormat(directive ?? null)} in map: ${goFormat(patch)}`);
}

/** mergeMap; mutates and returns `original`, consumes `patch` (both must be private copies). */
function mergeMap(original: JsonObject | null, patch: JsonObject): JsonObject {
  if ('$patch' in patch) return mapDirective(patch);
  const result = original ?? {};
  applyRetainKeys(result, patch);
  mergeOrderedLists(result, patch);
  for (const [rawKey, value] of Object.entries(patch)) {
    let key = rawKey;
    let deleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = keyAfter(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      deleteList = true;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (current === undefined || !sameType(current, value)) {
      result[key] = value;
      continue;
    }
    if (isMap(current) && isMap(value)) {
      result[key] = mergeMap(current, value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      result[key] = mergeListField(current, value, patchMetaOf(key), deleteList);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * Applies `patch` to `original` and returns the result (inputs are not changed). Throws the API
 * server's answer for a patch it cannot apply: 400 for malformed directives, 422 for lists of
 * lists, and a reason-less 500 for the rest (an element without its merge key, an unknown `$patch`,
 * a `$setElementOrder` that contradicts the list), as interpretStrategicMergePatchError leaves them.
 */
export function strategicMerge(original: JsonObject, patch: JsonObject): JsonObject {
  return mergeMap(structuredClone(original), structuredClone(patch));
}

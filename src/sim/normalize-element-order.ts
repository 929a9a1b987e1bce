/**
 * Where the elements of a merged list end up, as apimachinery's strategicpatch decides it
 * (patch.go: partition*ByPresentInList, normalizeElementOrder, normalizeSliceOrder,
 * mergeSortedSlice). Patch elements keep the order the patch (or its `$setElementOrder` list) gives
 * them; elements only the server has keep the live order; the two are then interleaved, taking a
 * server-only element first only when the live list already had it before the patch element. So a
 * new element goes before the live ones it is not compared with: adding init container `seed` to
 * `[migrate]` gives `[seed, migrate]`.
 */
import { ApiError } from './api-error.js';
import { goFormat } from './go-format.js';
import type { JsonObject, JsonValue } from './k8s-types.js';

export function isMap(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** mergepatch.ErrNoMergeKey: the API server returns it as it is, an HTTP 500 without a reason. */
export function noMergeKey(item: JsonValue, mergeKey: string): ApiError {
  return ApiError.unclassified(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);
}

/** The merge key's value for maps, the value itself for scalars (Go interface equality). */
function identity(item: JsonValue, mergeKey: string): JsonValue | undefined {
  return mergeKey ? (isMap(item) ? item[mergeKey] : undefined) : item;
}

function index(list: readonly JsonValue[], item: JsonValue, mergeKey: string): number {
  const wanted = identity(item, mergeKey);
  return list.findIndex((v) => identity(v, mergeKey) === wanted);
}

/** Splits `list` into elements present in `by` and the rest, keeping their order. */
export function partitionByPresence(list: readonly JsonValue[], by: readonly JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const present: JsonValue[] = [];
  const absent: JsonValue[] = [];
  for (const item of list) {
    if (mergeKey && !(isMap(item) && mergeKey in item)) throw noMergeKey(item, mergeKey);
    (index(by, item, mergeKey) === -1 ? absent : present).push(item);
  }
  return [present, absent];
}

function isDeleteDirective(item: JsonValue): boolean {
  return isMap(item) && item.$patch === 'delete';
}

/**
 * sort.SliceStable by position in `order`, with the Go comparator (an element missing from `order`
 * compares as "less"), followed by any `$patch: delete` elements. Go's stable sort is an insertion
 * sort for lists up to 20 elements, which is what is reproduced here.
 */
function normalizeSliceOrder(toSort: JsonValue[], order: readonly JsonValue[], mergeKey: string): JsonValue[] {
  let rest = toSort;
  let deletes: JsonValue[] = [];
  if (mergeKey) {
    for (const item of [...toSort, ...order]) if (!(isMap(item) && mergeKey in item)) throw noMergeKey(item, mergeKey);
    rest = toSort.filter((item) => !isDeleteDirective(item));
    deletes = toSort.filter(isDeleteDirective);
  }
  const sorted = [...rest];
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = index(order, a, mergeKey);
    const ib = ia >= 0 ? index(order, b, mergeKey) : -1;
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0 && less(sorted[j] as JsonValue, sorted[j - 1] as JsonValue); j--) {
      [sorted[j - 1], sorted[j]] = [sorted[j] as JsonValue, sorted[j - 1] as JsonValue];
    }
  }
  return [...sorted, ...deletes];
}

/** Interleaves server-only elements (`left`) into the patch elements (`right`) by live order. */
function mergeSortedSlice(left: JsonValue[], right: JsonValue[], serverOrder: readonly JsonValue[], mergeKey: string): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as JsonValue);
    else if (j >= right.length) out.push(left[i++] as JsonValue);
    else {
      const li = index(serverOrder, left[i] as JsonValue, mergeKey);
      const ri = index(serverOrder, right[j] as JsonValue, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as JsonValue);
      else out.push(right[j++] as JsonValue);
    }
  }
  return out;
}

/** normalizeElementOrder: patch elements sorted by `patchOrder`, server-only ones by `serverOrder`, interleaved. */
export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string,
): JsonValue[] {
  const patchSorted = normalizeSliceOrder(patchItems, patchOrder, mergeKey);
  const serverSorted = normalizeSliceOrder(serverOnly, serverOrder, mergeKey);
  return mergeSortedSlice(serverSorted, patchSorted, serverOrder, mergeKey);
}

/** Go's deduplicateScalars: a duplicate is overwritten by the last element, so order can change. */
export function deduplicateScalars(list: JsonValue[]): JsonValue[] {
  const s = [...list];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length] as JsonValue;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

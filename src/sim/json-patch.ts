/**
 * JSON patch (RFC 6902, `application/json-patch+json`, client-node's default patch type) as the API
 * server applies it: with gopkg.in/evanphx/json-patch.v4 (v4.12), quirks included, because a
 * client meets the quirks, not the RFC. `replace` of a missing object key adds it, `test` compares
 * semantically, negative array indices count from the end, and the error texts are the library's
 * ("testing value /spec/replicas failed: test failed"). The patch handler turns a document that is
 * not a list of operations into a 400 and an operation that does not apply into a 422
 * (NewGenericServerResponse); apply-patch.ts does that.
 */
import type { JsonObject, JsonValue } from './k8s-types.js';

/** An operation that does not apply, with the library's message. */
export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError';
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
const TEST_FAILED = 'test failed';

type Container = JsonObject | JsonValue[];
type Op = JsonObject;

const fail = (message: string): JsonPatchError => new JsonPatchError(message);

function isMap(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** strconv.Atoi */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

/** What json.Unmarshal into a Go string says for `value`. */
function stringField(op: Op, field: 'path' | 'from'): string {
  const value = op[field];
  if (value === undefined || value === null) {
    throw fail(field === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}`);
  }
  if (typeof value !== 'string') {
    const kind = Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
    throw fail(`json: cannot unmarshal ${kind} into Go value of type string`);
  }
  return value;
}

/** Re-wraps the inner error's message the way errors.Wrapf does: "context: cause". */
function wrap<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof JsonPatchError) throw fail(`${context}: ${error.message}`);
    throw error;
  }
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** A JSON null stored in a Go partialDoc/partialArray is a nil node, indistinguishable from absence. */
function get(con: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(con)) return con[key] ?? undefined;
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length;
  }
  if (idx >= con.length) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  return con[idx] ?? undefined;
}

function add(con: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  if (key === '-') {
    con.push(value);
    return;
  }
  let idx = wrap(`value was not a proper array index: '${key}'`, () => atoi(key));
  if (idx >= con.length + 1) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -(con.length + 1)) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length + 1;
  }
  con.splice(idx, 0, value);
}

function set(con: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length;
  }
  con[idx] = value;
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!(key in con)) throw fail(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
  if (idx < 0) {
    if (idx < -con.length) throw fail(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
    idx += con.length;
  }
  con.splice(idx, 1);
}

/** findObject: the container of the path's last token, or undefined when any step is missing or a scalar. */
function findObject(doc: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let current: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = get(current, decodeKey(part));
    } catch {
      return undefined;
    }
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    current = next;
  }
  return [current, decodeKey(split[split.length - 1] as string)];
}

/** lazyNode.equal: objects need the same keys, lists the same length, scalars the same JSON text. */
function equal(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (isMap(a)) {
    if (!isMap(b) || Object.keys(a).length !== Object.keys(b).length) return false;
    return Object.entries(a).every(([k, v]) => k in b && ((v === null) === (b[k] === null)) && (v === null || equal(v, b[k])));
  }
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => equal(v, b[i]));
  return !isMap(b) && !Array.isArray(b) && JSON.stringify(a) === JSON.stringify(b);
}

function value(op: Op): JsonValue {
  return structuredClone(op.value ?? null);
}

function apply(doc: Container, op: Op): Container {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = wrap('add operation failed to decode path', () => stringField(op, 'path'));
      const found = findObject(doc, path);
      if (!found) throw fail(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      wrap(`error in add for path: '${path}'`, () => add(found[0], found[1], value(op)));
      return doc;
    }
    case 'remove': {
      const path = wrap('remove operation failed to decode path', () => stringField(op, 'path'));
      const found = findObject(doc, path);
      if (!found) throw fail(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
      wrap(`error in remove for path: '${path}'`, () => remove(found[0], found[1]));
      return doc;
    }
    case 'replace': {
      const path = wrap('replace operation failed to decode path', () => stringField(op, 'path'));
      if (path === '') {
        const whole = value(op);
        return isMap(whole) || Array.isArray(whole) ? whole : doc;
      }
      const found = findObject(doc, path);
      if (!found) throw fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
      wrap(`replace operation does not apply: doc is missing key: ${path}`, () => {
        try {
          get(found[0], found[1]);
        } catch {
          throw fail(MISSING);
        }
      });
      wrap(`error in remove for path: '${path}'`, () => set(found[0], found[1], value(op)));
      return doc;
    }
    case 'move': {
      const from = wrap('move operation failed to decode from', () => stringField(op, 'from'));
      const source = findObject(doc, from);
      if (!source) throw fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const moved = wrap(`error in move for path: '${source[1]}'`, () => get(source[0], source[1]));
      wrap(`error in move for path: '${source[1]}'`, () => remove(source[0], source[1]));
      const path = wrap('move operation failed to decode path', () => stringField(op, 'path'));
      const target = findObject(doc, path);
      if (!target) throw fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      wrap(`error in move for path: '${path}'`, () => add(target[0], target[1], moved ?? null));
      return doc;
    }
    case 'copy': {
      const from = wrap('copy operation failed to decode from', () => stringField(op, 'from'));
      const source = findObject(doc, from);
      if (!source) throw fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
      const copied = wrap(`error in copy for from: '${from}'`, () => get(source[0], source[1]));
      const path = wrap('copy operation failed to decode path', () => stringField(op, 'path'));
      const target = findObject(doc, path);
      if (!target) throw fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
      wrap('error while adding value during copy', () => add(target[0], target[1], structuredClone(copied ?? null)));
      return doc;
    }
    case 'test': {
      const path = wrap('test operation failed to decode path', () => stringField(op, 'path'));
      const failed = fail(`testing value ${path} failed: ${TEST_FAILED}`);
      if (path === '') {
        if (equal(doc, op.value)) return doc;
        throw failed;
      }
      const found = findObject(doc, path);
      if (!found) throw fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
      const actual = wrap(`error in test for path: '${path}'`, () => get(found[0], found[1]));
      if (actual === undefined || actual === null) {
        if (op.value === undefined || op.value === null) return doc;
        throw failed;
      }
      if (op.value === undefined || !equal(actual, op.value)) throw failed;
      return doc;
    }
    default:
      throw fail(`Unexpected kind: ${kind}`);
  }
}

/**
 * Applies `ops` (already checked to be a list of objects) to a copy of `target` and returns it;
 * throws JsonPatchError with the library's message for an operation that does not apply.
 */
export function applyJsonPatch(target: JsonObject, ops: JsonObject[]): JsonObject {
  let doc: Container = structuredClone(target);
  for (const op of ops) doc = apply(doc, op);
  if (!isMap(doc)) throw fail('the patch replaced the object with a list');
  return doc;
}

/**
 * JSON patch (RFC 6902, `application/json-patch+json`, client-node's default patch type).
 * A malformed document is a 400 BadRequest; an operation that does not apply (missing path, failed
 * `test`) is a 422, as the API server answers.
 */
import { ApiError } from './api-error.js';
import type { JsonObject, JsonValue } from './k8s-types.js';

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: JsonValue;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw ApiError.badRequest(`invalid JSON pointer "${pointer}": must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function decode(body: JsonValue): Operation[] {
  if (!Array.isArray(body)) throw ApiError.badRequest('json patch must be an array of operations');
  return body.map((raw, i) => {
    const op = raw as Partial<Operation> | null;
    if (!op || typeof op !== 'object' || !OPS.has(String(op.op)) || typeof op.path !== 'string') {
      throw ApiError.badRequest(`json patch operation ${i} is invalid: needs "op" (add, remove, replace, move, copy, test) and "path"`);
    }
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw ApiError.badRequest(`json patch operation ${i} (${op.op}) needs "from"`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw ApiError.badRequest(`json patch operation ${i} (${op.op}) needs "value"`);
    }
    return op as Operation;
  });
}

function arrayIndex(token: string, length: number, allowEnd: boolean, path: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw unprocessable(`doc is missing path: "${path}": invalid array index "${token}"`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw unprocessable(`doc is missing path: "${path}": index out of range`);
  return index;
}

/** The container holding the last token of `path`. */
function parentOf(doc: JsonValue, tokens: string[], path: string): JsonValue {
  let current: JsonValue = doc;
  for (const token of tokens.slice(0, -1)) {
    const next: JsonValue | undefined = Array.isArray(current)
      ? current[arrayIndex(token, current.length, false, path)]
      : current !== null && typeof current === 'object'
        ? (current as JsonObject)[token]
        : undefined;
    if (next === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
    current = next;
  }
  return current;
}

function getAt(doc: JsonValue, path: string): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1] as string;
  const value = Array.isArray(parent)
    ? parent[arrayIndex(last, parent.length, false, path)]
    : parent !== null && typeof parent === 'object'
      ? (parent as JsonObject)[last]
      : undefined;
  if (value === undefined) throw unprocessable(`doc is missing path: "${path}": missing value`);
  return value;
}

function write(doc: JsonValue, path: string, value: JsonValue, mode: 'add' | 'replace' | 'remove'): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) {
    if (mode === 'remove') throw unprocessable('cannot remove the whole document');
    return value;
  }
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, mode === 'add', path);
    if (mode === 'add') parent.splice(index, 0, value);
    else if (mode === 'replace') parent[index] = value;
    else parent.splice(index, 1);
  } else if (parent !== null && typeof parent === 'object') {
    const obj = parent as JsonObject;
    if (mode !== 'add' && !Object.hasOwn(obj, last)) throw unprocessable(`${mode} operation does not apply: doc is missing key: "${path}"`);
    if (mode === 'remove') delete obj[last];
    else obj[last] = value;
  } else {
    throw unprocessable(`doc is missing path: "${path}"`);
  }
  return doc;
}

function stable(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as JsonObject)[k] as JsonValue)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Applies the operations in `patchBody` to `target` and returns the result; `target` is not changed. */
export function applyJsonPatch(target: JsonValue, patchBody: JsonValue): JsonValue {
  const ops = decode(patchBody);
  let doc = structuredClone(target);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        doc = write(doc, op.path, structuredClone(op.value as JsonValue), 'add');
        break;
      case 'replace':
        doc = write(doc, op.path, structuredClone(op.value as JsonValue), 'replace');
        break;
      case 'remove':
        doc = write(doc, op.path, null, 'remove');
        break;
      case 'copy':
        doc = write(doc, op.path, structuredClone(getAt(doc, op.from as string)), 'add');
        break;
      case 'move': {
        const value = getAt(doc, op.from as string);
        doc = write(doc, op.from as string, null, 'remove');
        doc = write(doc, op.path, value, 'add');
        break;
      }
      case 'test':
        if (stable(getAt(doc, op.path)) !== stable(op.value as JsonValue)) {
          throw unprocessable(`testing value ${op.path} failed`);
        }
        break;
    }
  }
  return doc;
}

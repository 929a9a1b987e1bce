import fc from 'fast-check';

export type Path = Array<string | number>;

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
export function pathsOf(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...at, index], ...pathsOf(item, [...at, index])]);
  if (value && typeof value === 'object') {
    return Object.keys(value).flatMap((key) => [[...at, key], ...pathsOf((value as Record<string, unknown>)[key], [...at, key])]);
  }
  return [];
}

const REMOVE = Symbol('remove');

/** A copy of `value` with the value at `path` replaced, or removed when `replacement` is REMOVE. Own properties only. */
function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const entries = Object.entries(value as Record<string, unknown>).flatMap(([key, child]): Array<[string, unknown]> => {
    if (key !== head) return [[key, child]];
    if (rest.length === 0 && replacement === REMOVE) return [];
    return [[key, replaceAt(child, rest, replacement)]];
  });
  // fromEntries defines own properties, so a `__proto__` key stays a key.
  return Object.fromEntries(entries);
}

export interface Mutation {
  value: unknown;
  path: Path;
  kind: 'replaced' | 'removed' | 'added';
}

/** Keys that have tripped parsers before: prototype names and odd characters. */
export const trickyKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '0', 'a.b', '[0]'), fc.string({ maxLength: 12 }));

/**
 * One change to a valid document: a value somewhere replaced by any JSON value, removed, or a key
 * added; what was changed is reported with it, so a property can check that the problem names it.
 */
export function mutationOf(valid: unknown, replacement: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 })): fc.Arbitrary<Mutation> {
  const paths = pathsOf(valid);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), replacement).map(([path, value]) => ({ value: replaceAt(valid, path, value), path, kind: 'replaced' as const })),
    fc.constantFrom(...paths).map((path) => ({ value: replaceAt(valid, path, REMOVE), path, kind: 'removed' as const })),
    fc
      .tuple(fc.constantFrom([] as Path, ...paths.filter((path) => typeof path.at(-1) === 'string')), trickyKey, replacement)
      .filter(([path]) => {
        const target = path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], valid);
        return !!target && typeof target === 'object' && !Array.isArray(target);
      })
      .map(([path, key, value]) => {
        const target = path.reduce<unknown>((node, step) => (node as Record<string, unknown>)[step], valid) as Record<string, unknown>;
        const added = Object.fromEntries([...Object.entries(target).filter(([existing]) => existing !== key), [key, value]]);
        return { value: replaceAt(valid, path, added), path: [...path, key], kind: 'added' as const };
      }),
  );
}

/**
 * Field selectors (`?fieldSelector=`): `field=value`, `field==value`, `field!=value`, ANDed by commas,
 * with `\,` `\=` `\\` escapes. Each kind supports a fixed set of fields, as in the API server; an
 * unknown field is a 400, which is how a client learns it asked for something a server cannot filter.
 */
import { ApiError } from './api-error.js';
import type { KubeObject } from './k8s-types.js';

type Getter = (obj: KubeObject) => string | undefined;

function path(...keys: string[]): Getter {
  return (obj) => {
    let cur: unknown = obj;
    for (const k of keys) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[k];
    }
    if (cur === undefined || cur === null) return '';
    return String(cur);
  };
}

const META: Record<string, Getter> = {
  'metadata.name': path('metadata', 'name'),
  'metadata.namespace': path('metadata', 'namespace'),
};

const FIELDS: Record<string, Record<string, Getter>> = {
  Pod: {
    ...META,
    'spec.nodeName': path('spec', 'nodeName'),
    'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'),
    'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'),
    'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  Event: {
    ...META,
    'involvedObject.kind': path('involvedObject', 'kind'),
    'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'),
    'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'),
    'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'),
    reason: path('reason'),
    reportingComponent: path('reportingComponent'),
    source: path('source', 'component'),
    type: path('type'),
  },
  Namespace: { ...META, 'status.phase': path('status', 'phase') },
  Node: { ...META, 'spec.unschedulable': path('spec', 'unschedulable') },
};

export type FieldMatcher = (obj: KubeObject) => boolean;

interface Term {
  field: string;
  negate: boolean;
  value: string;
}

/** Splits on separators that are not backslash-escaped, unescaping the pieces. */
function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i += 1;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function parseTerm(part: string): Term {
  const match = /^((?:[^\\!=]|\\.)+?)\s*(!=|==|=)\s*((?:[^\\]|\\.)*)$/.exec(part.trim());
  if (!match) throw ApiError.badRequest(`invalid field selector: "${part}": expected field=value or field!=value`);
  const [, field = '', op, value = ''] = match;
  return { field: unescape(field.trim()), negate: op === '!=', value: unescape(value) };
}

/** Parses `?fieldSelector=` for `kind`; throws a 400 ApiError for bad syntax or an unsupported field. */
export function parseFieldSelector(kind: string, text: string | null | undefined): FieldMatcher {
  if (!text || text.trim() === '') return () => true;
  const fields = FIELDS[kind] ?? META;
  const terms = splitEscaped(text, ',').map(parseTerm);
  const getters = terms.map((t) => {
    const getter = fields[t.field];
    if (!getter) throw ApiError.badRequest(`field label not supported: ${t.field}`);
    return getter;
  });
  return (obj) =>
    terms.every((t, i) => {
      const actual = (getters[i] as Getter)(obj) ?? '';
      return t.negate ? actual !== t.value : actual === t.value;
    });
}

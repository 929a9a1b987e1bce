/**
 * Label selectors as the API server parses them from `?labelSelector=`: equality (`a=b`, `a==b`,
 * `a!=b`), sets (`a in (x,y)`, `a notin (x)`), existence (`a`, `!a`) and `a>1`/`a<1`, all ANDed.
 * Workload `spec.selector` objects (matchLabels / matchExpressions) compile to the same matcher.
 */
import { ApiError } from './api-error.js';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);
const COMPARE = new RegExp(`^(${KEY})\\s*(<|>)\\s*(-?\\d+)$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

/** Splits on commas that are not inside `( )`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function parseRequirement(part: string): Requirement {
  let m = EQUALITY.exec(part);
  if (m) {
    const [, key = '', , op, value = ''] = m;
    return { key, op: op === '!=' ? 'notin' : 'in', values: [value] };
  }
  m = SET.exec(part);
  if (m) {
    const [, key = '', , op, list = ''] = m;
    const values = list.split(',').map((v) => v.trim());
    const bad = values.find((v) => !VALUE_ONLY.test(v));
    if (bad !== undefined) throw ApiError.badRequest(`unable to parse requirement: invalid label value: "${bad}"`);
    return { key, op: op as 'in' | 'notin', values };
  }
  m = COMPARE.exec(part);
  if (m) {
    const [, key = '', , op, value = '0'] = m;
    return { key, op: op === '>' ? 'gt' : 'lt', value: Number(value) };
  }
  m = EXISTS.exec(part);
  if (m) return { key: m[2] ?? '', op: m[1] === '!' ? '!' : 'exists' };
  throw ApiError.badRequest(
    `unable to parse requirement: "${part}": expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)`,
  );
}

function matchesRequirement(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'in':
      return has && req.values.includes(value ?? '');
    case 'notin':
      return !has || !req.values.includes(value ?? '');
    case 'gt':
    case 'lt': {
      const n = Number(value);
      if (!has || !Number.isInteger(n)) return false;
      return req.op === 'gt' ? n > req.value : n < req.value;
    }
  }
}

function compile(requirements: Requirement[]): LabelMatcher {
  return (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {}));
}

/** Parses `?labelSelector=`; an empty selector matches everything. Throws a 400 ApiError on bad syntax. */
export function parseLabelSelector(text: string | null | undefined): LabelMatcher {
  if (!text || text.trim() === '') return () => true;
  return compile(splitTopLevel(text).map(parseRequirement));
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A workload's `spec.selector`. An empty object selects everything, as in apps/v1. */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | undefined): LabelMatcher {
  const reqs: Requirement[] = Object.entries(spec?.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in', values: [v] }));
  for (const e of spec?.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn') reqs.push({ key: e.key, op: op === 'In' ? 'in' : 'notin', values: e.values ?? [] });
    else if (op === 'Exists' || op === 'DoesNotExist') reqs.push({ key: e.key, op: op === 'Exists' ? 'exists' : '!' });
  }
  return compile(reqs);
}

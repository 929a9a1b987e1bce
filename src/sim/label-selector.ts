/**
 * Label selectors as the API server reads them from `?labelSelector=`: the core's parser, with
 * what only the API server takes besides, `a>1`/`a<1` and empty entries in a set (`a in (x,)`).
 * Workload `spec.selector` objects (matchLabels / matchExpressions) compile to the same matcher.
 */
import { LABEL_KEY, matchesLabels, parseLabelSelector as parseSelectorText, type LabelRequirement } from '../core/rules/parse-label-selector.js';
import { ApiError } from './api-error.js';

/** `version>2`: the label read as an integer; a label that is not one matches neither way. */
interface Comparison {
  key: string;
  op: 'gt' | 'lt';
  value: number;
}

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const COMPARE = new RegExp(`^(${LABEL_KEY})\\s*(<|>)\\s*(-?\\d+)$`);

function comparison(part: string): Comparison | null {
  const m = COMPARE.exec(part);
  if (!m) return null;
  const [, key = '', op, value = '0'] = m;
  return { key, op: op === '>' ? 'gt' : 'lt', value: Number(value) };
}

function isComparison(req: LabelRequirement | Comparison): req is Comparison {
  return req.op === 'gt' || req.op === 'lt';
}

function matchesRequirement(req: LabelRequirement | Comparison, labels: Record<string, string>): boolean {
  if (!isComparison(req)) return matchesLabels([req], labels);
  const n = Number(labels[req.key]);
  if (!Object.hasOwn(labels, req.key) || !Number.isInteger(n)) return false;
  return req.op === 'gt' ? n > req.value : n < req.value;
}

function compile(requirements: ReadonlyArray<LabelRequirement | Comparison>): LabelMatcher {
  return (labels) => requirements.every((r) => matchesRequirement(r, labels ?? {}));
}

/** Parses `?labelSelector=`; an empty selector matches everything. Throws a 400 ApiError on bad syntax. */
export function parseLabelSelector(text: string | null | undefined): LabelMatcher {
  const parsed = parseSelectorText(text ?? '', { emptySetValues: true, extraRequirement: comparison });
  if (!parsed.ok) throw ApiError.badRequest(`unable to parse requirement: ${parsed.problem}`);
  return compile(parsed.requirements);
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A workload's `spec.selector`. An empty object selects everything, as in apps/v1. */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | undefined): LabelMatcher {
  const reqs: LabelRequirement[] = Object.entries(spec?.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in', values: [v] }));
  for (const e of spec?.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn') reqs.push({ key: e.key, op: op === 'In' ? 'in' : 'notin', values: e.values ?? [] });
    else if (op === 'Exists' || op === 'DoesNotExist') reqs.push({ key: e.key, op: op === 'Exists' ? 'exists' : 'absent' });
  }
  return (labels) => matchesLabels(reqs, labels ?? {});
}

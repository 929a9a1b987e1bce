/**
 * A Kubernetes label selector in its string form (`app=checkout,tier in (web,worker),!canary`),
 * as `kubectl -l` takes it: equality (`=`, `==`, `!=`), sets (`in`, `notin`), existence (`key`,
 * `!key`), all ANDed. Parsed once (a policy file is validated at start), matched many times.
 * The Kubernetes simulator reads `?labelSelector=` with it too, adding what only it needs.
 */
export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'absent' };

export type ParsedSelector<Extra = never> = { ok: true; requirements: Array<LabelRequirement | Extra> } | { ok: false; problem: string };

export interface SelectorGrammar<Extra> {
  /**
   * Whether `tier in (web,)` lists the empty value: the API server reads it so, while a policy
   * file refuses it (the default) as the typo it most likely is.
   */
  emptySetValues?: boolean;
  /** A requirement beyond these (the simulator's `version>2`), tried on a part none of these reads; null when it is not one. */
  extraRequirement?: (part: string) => Extra | null;
}

/** A label key: an optional DNS-subdomain prefix and `/`, then the name (no capturing groups, to embed). */
export const LABEL_KEY = String.raw`(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALITY = new RegExp(`^(${LABEL_KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${LABEL_KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${LABEL_KEY})$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

/** Splits on the commas outside `( )`. */
function requirementsOf(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

function parseRequirement(part: string, emptySetValues: boolean): LabelRequirement | string {
  const equality = EQUALITY.exec(part);
  if (equality) return { key: equality[1]!, op: equality[2] === '!=' ? 'notin' : 'in', values: [equality[3] ?? ''] };
  const set = SET.exec(part);
  if (set) {
    const values = (set[3] ?? '').split(',').map((value) => value.trim());
    const bad = values.find((value) => (value === '' && !emptySetValues) || !VALUE_ONLY.test(value));
    if (bad !== undefined) return `"${part}" lists an invalid label value${bad ? ` "${bad}"` : ' (empty)'}`;
    return { key: set[1]!, op: set[2] as 'in' | 'notin', values };
  }
  const exists = EXISTS.exec(part);
  if (exists) return { key: exists[2]!, op: exists[1] === '!' ? 'absent' : 'exists' };
  return `"${part}" is not a requirement such as app=checkout, tier in (web,worker), tier notin (db), canary or !canary`;
}

export function parseLabelSelector<Extra = never>(text: string, grammar: SelectorGrammar<Extra> = {}): ParsedSelector<Extra> {
  if (text.trim() === '') return { ok: true, requirements: [] };
  const requirements: Array<LabelRequirement | Extra> = [];
  for (const part of requirementsOf(text)) {
    const requirement = parseRequirement(part, grammar.emptySetValues ?? false);
    if (typeof requirement !== 'string') {
      requirements.push(requirement);
      continue;
    }
    const extra = grammar.extraRequirement?.(part) ?? null;
    if (extra === null) return { ok: false, problem: requirement };
    requirements.push(extra);
  }
  return { ok: true, requirements };
}

/** Whether labels satisfy every requirement (an empty selector selects everything). */
export function matchesLabels(requirements: readonly LabelRequirement[], labels: Readonly<Record<string, string>>): boolean {
  return requirements.every((requirement) => {
    const value = Object.hasOwn(labels, requirement.key) ? labels[requirement.key] : undefined;
    switch (requirement.op) {
      case 'exists':
        return value !== undefined;
      case 'absent':
        return value === undefined;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notin':
        return value === undefined || !requirement.values.includes(value);
    }
  });
}

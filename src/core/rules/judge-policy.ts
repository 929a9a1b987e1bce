import type { Policy, PolicyFile } from '../policy/policy-schema.js';
import { formatQuantity, parseQuantity } from '../quantity.js';
import type { JsonValue } from '../timeline.js';
import { openWindowStart, parseCron } from './cron-window.js';
import { matchesLabels, parseLabelSelector } from './parse-label-selector.js';

export const POLICY_BOUNDS = ['deniedNamespace', 'maxLimit', 'maxFactor', 'maxFixes', 'cooldown', 'freezeWindow'] as const;
export type PolicyBound = (typeof POLICY_BOUNDS)[number];

/** One bound as checked: what was measured, against what, and in words. */
export interface PolicyCheck {
  bound: PolicyBound;
  ok: boolean;
  value: JsonValue;
  limit: JsonValue;
  detail: string;
}

export interface PolicyInput {
  namespace: string;
  /** The workload's own labels (not its pods'). */
  labels: Readonly<Record<string, string>>;
  currentLimitBytes: number | null;
  newLimitBytes: number;
  now: Date;
  /** When the workload was fixed automatically before (by any policy), ISO times, any order. */
  automaticFixes: readonly string[];
}

export interface PolicyDecision {
  policy: string;
  approve: boolean;
  checks: PolicyCheck[];
  /** The bounds that refused, in check order; empty when approved. */
  refusedBy: PolicyBound[];
  /** This fix's number within the window when approved (1-based), and the most allowed. */
  fixNumber: number;
  maxFixes: number;
  windowSeconds: number;
}

/** The first policy (file order) whose namespaces and label selector take the workload; null: none does, nothing is automatic. */
export function selectPolicy(file: PolicyFile, workload: { namespace: string; labels: Readonly<Record<string, string>> }): Policy | null {
  return (
    file.policies.find((policy) => {
      if (policy.select.namespaces.length > 0 && !policy.select.namespaces.includes(workload.namespace)) return false;
      const selector = parseLabelSelector(policy.select.labelSelector);
      return selector.ok && matchesLabels(selector.requirements, workload.labels);
    }) ?? null
  );
}

/** How far back the history must reach for this policy's count and cooldown. */
export function lookbackSeconds(policy: Policy): number {
  return Math.max(policy.bounds.window, policy.bounds.cooldown);
}

function seconds(total: number): string {
  if (total % 86_400 === 0 && total > 0) return `${total / 86_400}d`;
  if (total % 3600 === 0 && total > 0) return `${total / 3600}h`;
  if (total % 60 === 0 && total > 0) return `${total / 60}m`;
  return `${Math.round(total)}s`;
}

/**
 * Whether the policy may approve this proposal by itself: every bound is checked (so the timeline
 * row shows them all), and one that fails refuses; a person then decides as without a policy.
 */
export function judgePolicy(policy: Policy, deniedNamespaces: readonly string[], input: PolicyInput): PolicyDecision {
  const { bounds } = policy;
  const now = input.now.getTime();
  const newLimit = formatQuantity(input.newLimitBytes);
  const maxBytes = parseQuantity(bounds.maxLimit);
  const fixes = input.automaticFixes.map((at) => Date.parse(at)).filter((at) => at <= now).sort((a, b) => a - b);
  const inWindow = fixes.filter((at) => at > now - bounds.window * 1000).length;
  const last = fixes.at(-1);
  const sinceLast = last === undefined ? null : Math.floor((now - last) / 1000);
  const factor = input.currentLimitBytes ? Math.round((input.newLimitBytes / input.currentLimitBytes) * 100) / 100 : null;
  const denied = deniedNamespaces.includes(input.namespace);
  const freeze = policy.freezeWindows
    .map((window) => {
      const parsed = parseCron(window.cron);
      const start = parsed.ok ? openWindowStart(parsed.cron, window.duration * 1000, input.now) : null;
      return start ? { window, start } : null;
    })
    .find((open) => open !== null);

  const checks: PolicyCheck[] = [
    { bound: 'deniedNamespace', ok: !denied, value: input.namespace, limit: [...deniedNamespaces], detail: denied ? `namespace ${input.namespace} is denied` : `namespace ${input.namespace} is not denied` },
    { bound: 'maxLimit', ok: input.newLimitBytes <= maxBytes, value: newLimit, limit: bounds.maxLimit, detail: `${newLimit} ${input.newLimitBytes <= maxBytes ? '<=' : '>'} ${bounds.maxLimit}` },
    {
      bound: 'maxFactor',
      ok: factor !== null && factor <= bounds.maxFactor,
      value: factor,
      limit: bounds.maxFactor,
      detail: factor === null ? 'no current limit to compare with' : `${factor}x the current limit ${factor <= bounds.maxFactor ? '<=' : '>'} ${bounds.maxFactor}x`,
    },
    {
      bound: 'maxFixes',
      ok: inWindow < bounds.maxFixes,
      value: inWindow,
      limit: bounds.maxFixes,
      detail: `${inWindow} automatic fix${inWindow === 1 ? '' : 'es'} in the last ${seconds(bounds.window)}, at most ${bounds.maxFixes}`,
    },
    {
      bound: 'cooldown',
      ok: sinceLast === null || sinceLast >= bounds.cooldown,
      value: sinceLast,
      limit: bounds.cooldown,
      detail: sinceLast === null ? 'no earlier automatic fix' : `last automatic fix ${seconds(sinceLast)} ago, cooldown ${seconds(bounds.cooldown)}`,
    },
    {
      bound: 'freezeWindow',
      ok: !freeze,
      value: freeze ? freeze.start.toISOString() : null,
      limit: policy.freezeWindows.map((window) => `${window.cron} for ${seconds(window.duration)}`),
      detail: freeze
        ? `inside the freeze window "${freeze.window.cron}" opened at ${freeze.start.toISOString()} for ${seconds(freeze.window.duration)}${freeze.window.reason ? ` (${freeze.window.reason})` : ''}`
        : 'outside every freeze window',
    },
  ];
  const refusedBy = checks.filter((check) => !check.ok).map((check) => check.bound);
  return { policy: policy.name, approve: refusedBy.length === 0, checks, refusedBy, fixNumber: inWindow + 1, maxFixes: bounds.maxFixes, windowSeconds: bounds.window };
}

/** "2 of 3 today" (a day's window), "1 of 2 in 6h": which automatic fix of the window this is. */
export function fixCountWords(fix: { fixNumber: number; maxFixes: number; windowSeconds: number }): string {
  const window = fix.windowSeconds === 86_400 ? 'today' : `in ${seconds(fix.windowSeconds)}`;
  return `${fix.fixNumber} of ${fix.maxFixes} ${window}`;
}

import type { TimelineData, TimelineEvent } from '../timeline.js';
import { textField } from './incident-facts.js';

/** Fields the headline or the T+ column already say, or that have a section of their own (findings, patch). */
const SHOWN_ELSEWHERE = new Set(['title', 'text', 'message', 'decision', 'verdict', 'summary', 'workload', 'before', 'after', 'advice', 'severity', 'reason', 'owner', 'elapsedMs', 'budgetMs']);

function details(data: TimelineData): string {
  return Object.entries(data)
    // A field without a value (`container: null` before detect names it) says nothing.
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== null)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

function headline(event: TimelineEvent): string {
  const { data } = event;
  const step = event.step ?? 'step';
  const message = textField(data, 'message');
  const withMessage = (text: string) => (message ? `${text}: ${message}` : text);
  switch (event.kind) {
    case 'incident.opened':
      // Older rows (before clusters were named) carry no cluster: the incident's own field still does.
      return `Incident opened by ${textField(data, 'trigger') ?? 'a trigger'}${textField(data, 'cluster') ? ` in cluster ${textField(data, 'cluster')}` : ''}`;
    case 'incident.mitigated':
      return withMessage('Fix verified');
    case 'incident.closed':
      return `Closed: ${textField(data, 'verdict') ?? 'no verdict'}${textField(data, 'summary') ? ` — ${textField(data, 'summary')}` : ''}`;
    case 'alert.firing':
      return withMessage('Alert firing');
    case 'alert.resolved':
      return withMessage('Alert resolved');
    case 'step.started':
      return withMessage(`${step} started`);
    case 'step.waiting':
      return withMessage(`${step} waiting`);
    case 'step.succeeded':
      return withMessage(`${step} succeeded`);
    case 'step.failed':
      return withMessage(`${step} failed`);
    case 'step.skipped':
      return withMessage(`${step} skipped`);
    case 'finding':
      return `Finding: ${textField(data, 'title') ?? 'untitled'}`;
    case 'decision':
      return `Decision: ${textField(data, 'decision') ?? 'unknown'}`;
    case 'policy.refused':
      return `Policy ${textField(data, 'policy') ?? ''} refused to approve: ${Array.isArray(data.refusedBy) ? data.refusedBy.join(', ') : 'a bound'}`;
    case 'escalation':
      return withMessage(`Escalated to ${textField(data, 'level') === 'oncall' ? 'on-call' : 'the approvers'}`);
    case 'patch.intent':
      return `${data.rollback === true ? 'About to roll back' : 'About to patch'} ${textField(data, 'workload') ?? 'the workload'}`;
    case 'patch.applied':
      return `Patch applied to ${textField(data, 'workload') ?? 'the workload'}`;
    case 'patch.rolled-back':
      return `Patch rolled back on ${textField(data, 'workload') ?? 'the workload'}`;
    case 'note':
      return `Note: ${textField(data, 'text') ?? ''}`;
    case 'access.denied':
      return withMessage('Access denied');
    case 'delivery.failed':
      return withMessage('Chat delivery failed');
    case 'error':
      return withMessage('Error');
    case 'severity.set':
      return `Severity ${textField(data, 'severity') ?? '?'}${data.assessed === true ? ' (from the impact)' : ''}${textField(data, 'reason') ? `: ${textField(data, 'reason')}` : ''}`;
    case 'owner.set':
      return `Owner: ${textField(data, 'owner') ?? 'nobody'}`;
    case 'storm.joined':
      return withMessage('Storm');
  }
}

/** A timeline row in words: what happened, and the rest of its data as details. Plain text, unescaped. */
export function describeEvent(event: TimelineEvent): { what: string; detail: string } {
  return { what: headline(event), detail: details(event.data) };
}

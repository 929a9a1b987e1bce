import type { Finding } from '../core/finding.js';
import type { RunUpdate } from '../core/run.js';
import { VERDICTS } from '../core/run.js';

const MARKS: Record<RunUpdate['status'], string> = {
  pending: ' ',
  running: '…',
  'waiting-approval': '?',
  succeeded: '✓',
  skipped: '-',
  failed: '✗',
  finished: '■',
  resolved: '●',
};

const SEVERITY_MARKS: Record<Finding['severity'], string> = { info: 'i', warning: '!', critical: '‼' };

function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function renderFinding(finding: Finding): string[] {
  const lines = [`      ${SEVERITY_MARKS[finding.severity]} ${finding.title}${finding.detail ? `: ${finding.detail}` : ''}`];
  for (const advice of finding.advice ?? []) lines.push(`        - ${advice}`);
  if (finding.diff) {
    for (const key of Object.keys({ ...finding.diff.before, ...finding.diff.after })) {
      lines.push(`        - ${key}: ${finding.diff.before[key] ?? '(none)'}`, `        + ${key}: ${finding.diff.after[key] ?? '(none)'}`);
    }
  }
  return lines;
}

/** A run update as terminal lines: the budget clock, a mark, the step and what it said (and who, for a person's act), then its findings. */
export function renderUpdate(update: RunUpdate): string {
  const budget = `T+${clock(update.elapsedMs)}/${clock(update.budgetMs)}`;
  const label =
    update.status === 'finished' ? `verdict: ${update.verdict ?? '?'} (${update.verdict ? VERDICTS[update.verdict] : ''})` : update.status === 'resolved' ? 'resolved' : (update.step ?? '');
  const by = update.actor ? ` (by ${update.actor})` : '';
  const head = `[${budget}] ${MARKS[update.status]} ${label.padEnd(11)} ${update.message}${by}`;
  return [head, ...update.findings.flatMap(renderFinding)].join('\n');
}

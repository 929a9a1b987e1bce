import type { types } from '@slack/bolt';
import type { Finding } from '../../core/finding.js';
import { VERDICTS, type RunUpdate } from '../../core/run.js';
import { escapeText, fitText, MAX_BLOCKS } from './mrkdwn.js';

const SEVERITY: Record<Finding['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };
/** Steps whose result is worth a line in the thread even without findings. */
const REPORTED_STEPS = new Set(['apply', 'wait', 'health']);

function findingText(finding: Finding): string {
  const lines = [`${SEVERITY[finding.severity]} *${escapeText(finding.title)}*${finding.detail ? `\n${escapeText(finding.detail)}` : ''}`];
  for (const advice of finding.advice ?? []) lines.push(`• ${escapeText(advice)}`);
  if (finding.diff) {
    const keys = Object.keys({ ...finding.diff.before, ...finding.diff.after });
    const diff = keys.flatMap((key) => [`- ${key}: ${finding.diff?.before[key] ?? '(none)'}`, `+ ${key}: ${finding.diff?.after[key] ?? '(none)'}`]);
    lines.push('```' + escapeText(diff.join('\n')).replace(/`/g, "'") + '```');
  }
  return lines.join('\n');
}

/** A thread reply with a step's findings and results; null for updates the card alone shows. */
export function renderThreadMessage(update: RunUpdate): { text: string; blocks: types.KnownBlock[] } | null {
  const id = update.incidentId;
  const reported = update.findings.length > 0 || update.status === 'finished' || (update.step !== null && REPORTED_STEPS.has(update.step) && update.status !== 'running');
  if (!reported) return null;
  const head =
    update.status === 'finished'
      ? `*Verdict: ${escapeText(update.verdict ?? '?')}* (${update.verdict ? VERDICTS[update.verdict] : ''}): ${escapeText(update.message)}`
      : `*${update.step ?? ''}* ${update.status}: ${escapeText(update.message)}`;
  const blocks: types.KnownBlock[] = [head, ...update.findings.map(findingText)].map((text) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: fitText(text, id) },
  }));
  return { text: fitText(`${update.step ?? 'verdict'}: ${update.message}`, id), blocks: blocks.slice(0, MAX_BLOCKS) };
}

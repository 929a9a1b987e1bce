import type { types } from '@slack/bolt';
import type { Finding } from '../../core/finding.js';
import { VERDICTS, type RunUpdate } from '../../core/run.js';
import { fitText, joinMd, MAX_BLOCKS, md, mrkdwnObject, type Mrkdwn } from './mrkdwn.js';
import type { OutboundMessage } from './slack-outbound.js';

const SEVERITY: Record<Finding['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };
/** Steps whose result is worth a line in the thread even without findings. */
const REPORTED_STEPS = new Set(['apply', 'wait', 'health']);

function findingText(finding: Finding): Mrkdwn {
  const lines = [finding.detail ? md`${SEVERITY[finding.severity]} *${finding.title}*\n${finding.detail}` : md`${SEVERITY[finding.severity]} *${finding.title}*`];
  for (const advice of finding.advice ?? []) lines.push(md`• ${advice}`);
  if (finding.diff) {
    const keys = Object.keys({ ...finding.diff.before, ...finding.diff.after });
    const diff = keys.flatMap((key) => [`- ${key}: ${finding.diff?.before[key] ?? '(none)'}`, `+ ${key}: ${finding.diff?.after[key] ?? '(none)'}`]);
    // A backquote would end the code block early.
    lines.push(md`\`\`\`${diff.join('\n').replace(/`/g, "'")}\`\`\``);
  }
  return joinMd(lines, '\n');
}

/** A thread reply with a step's findings and results; null for updates the card alone shows. */
export function renderThreadMessage(update: RunUpdate): (OutboundMessage & { blocks: types.KnownBlock[] }) | null {
  const id = update.incidentId;
  const reported = update.findings.length > 0 || update.status === 'finished' || (update.step !== null && REPORTED_STEPS.has(update.step) && update.status !== 'running');
  if (!reported) return null;
  const head =
    update.status === 'finished'
      ? md`*Verdict: ${update.verdict ?? '?'}* (${update.verdict ? VERDICTS[update.verdict] : ''}): ${update.message}`
      : md`*${update.step ?? ''}* ${update.status}: ${update.message}`;
  const blocks: types.KnownBlock[] = [head, ...update.findings.map(findingText)].map((text) => ({ type: 'section', text: mrkdwnObject(fitText(text, id)) }));
  return { text: fitText(md`${update.step ?? 'verdict'}: ${update.message}`, id), blocks: blocks.slice(0, MAX_BLOCKS) };
}

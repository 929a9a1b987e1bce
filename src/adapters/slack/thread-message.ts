import type { types } from '@slack/bolt';
import type { Finding } from '../../core/finding.js';
import { stepOf, type RunRecord, type RunUpdate, type Verdict } from '../../core/run.js';
import { CARD_STATES, type CardState } from './card-state.js';
import { fitText, joinMd, MAX_BLOCKS, md, mrkdwnObject, who, type Mrkdwn } from './mrkdwn.js';
import type { OutboundMessage } from './slack-outbound.js';
import { oneLine, STEP_LABELS, stepShortfall } from './step-words.js';

const SEVERITY: Record<Finding['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };
const MARKS = { succeeded: ':white_check_mark:', failed: ':x:', skipped: '➖' } as const;

export interface ThreadContext {
  /** The run as stored now, for what an update alone does not say (a step that could not do its work). */
  run?: RunRecord;
  /** The approvers as notifying mentions: the approval prompt pings them. */
  approvers: Mrkdwn;
}

/**
 * Build advice as one short line: "Strip symbols and debug info: `-ldflags="-s -w"`". The step
 * writes each item as "title: command (why)"; the why, with its numbers, is in the postmortem.
 */
function shortAdvice(advice: string): Mrkdwn {
  const parts = /^([^:]{3,80}): (.+?) \((.+)\)$/s.exec(advice);
  return parts ? md`• ${parts[1]!}: \`${parts[2]!.replace(/`/g, "'")}\`` : md`• ${advice}`;
}

/** A finding's lines, leaving out what the message above it already says; build advice (image-info's) as a short list. */
function findingLines(finding: Finding, said: string, buildAdvice: boolean): Mrkdwn[] {
  const lines: Mrkdwn[] = [];
  const advice = finding.advice ?? [];
  const detail = finding.detail && !said.includes(finding.detail) ? finding.detail : null;
  // A finding whose detail the headline already says adds nothing, unless it heads a list of advice.
  // A proposal's finding restates its step's message: the diff is what it adds.
  const repeats = said.includes(finding.title) || finding.diff !== undefined || (finding.detail !== undefined && detail === null && advice.length === 0);
  if (finding.diff === undefined && (!repeats || detail)) lines.push(detail ? md`${SEVERITY[finding.severity]} *${finding.title}*: ${detail}` : md`${SEVERITY[finding.severity]} ${finding.title}`);
  lines.push(...advice.slice(0, 5).map((item) => (buildAdvice ? shortAdvice(item) : md`• ${item}`)));
  if (advice.length > 5) lines.push(md`• …and ${advice.length - 5} more in the postmortem`);
  if (finding.diff) {
    const keys = Object.keys({ ...finding.diff.before, ...finding.diff.after });
    const diff = keys.flatMap((key) => [`- ${key}: ${finding.diff?.before[key] ?? '(none)'}`, `+ ${key}: ${finding.diff?.after[key] ?? '(none)'}`]);
    // A backquote would end the code block early.
    lines.push(md`\`\`\`${diff.join('\n').replace(/`/g, "'")}\`\`\``);
  }
  return lines;
}

const NEXT_AFTER_DECLINE = 'Next: run the checklist again (Edit limit picks another limit), or resolve the incident once the workload runs.';

/** The one message of a step, or of the run's end: its headline, then what its findings add. */
function stepMessage(update: RunUpdate, context: ThreadContext): Mrkdwn | null {
  const by = update.actor ? md`, by ${who(update.actor)}` : md``;
  if (update.status === 'resolved') return md`${CARD_STATES.resolved.emoji} *Resolved*${by}: ${update.message}.`;
  if (update.status === 'finished') {
    const state = update.verdict ? VERDICT_STATES[update.verdict] : 'failed';
    const next = state === 'declined' || state === 'not-approved' || state === 'rolled-back' ? md` ${NEXT_AFTER_DECLINE}` : md``;
    return md`${CARD_STATES[state].emoji} *${CARD_STATES[state].words}*${by}: ${oneLine(update.message)}.${next}`;
  }
  if (update.status === 'succeeded' && update.step === 'approve' && update.actor) return md`:+1: *Approved*${by}: ${update.message}.`;
  if (update.status !== 'succeeded' && update.status !== 'failed' && update.status !== 'skipped') return null;
  if (!update.step) return null;
  if (update.status === 'skipped' && update.findings.length === 0) return null;
  const record = context.run?.steps.find((step) => step.step === update.step);
  const shortfall = record ? stepShortfall(record) : null;
  if (shortfall) return md`:warning: *${STEP_LABELS[update.step]}* could not do its work (${oneLine(shortfall)}); the checklist goes on without it.`;
  // A step that failed while the run goes on (the cluster did not answer; a kill that escalates) is a warning, not the end.
  const mark = update.status === 'failed' && context.run?.status !== 'finished' ? ':warning:' : MARKS[update.status];
  return md`${mark} *${STEP_LABELS[update.step]}:* ${oneLine(update.message)}`;
}

const VERDICT_STATES: Record<Verdict, CardState> = {
  fixed: 'fixed',
  'verification-failed': 'not-verified',
  rejected: 'declined',
  'not-approved': 'not-approved',
  'rolled-back': 'rolled-back',
  failed: 'failed',
  'not-oom': 'not-oom',
  'bare-pod': 'nothing-to-patch',
  'unsupported-owner': 'nothing-to-patch',
  'no-plan': 'nothing-to-patch',
};

/** The approval prompt: the approvers mentioned, so Slack notifies them the moment their decision is needed. */
function approvalPrompt(update: RunUpdate, context: ThreadContext): Mrkdwn {
  const propose = context.run ? stepOf(context.run, 'propose').result : {};
  const rolls = typeof propose.rolls === 'number' ? md` (rolls its ${propose.rolls} pod${propose.rolls === 1 ? '' : 's'})` : md``;
  const what = propose.limit
    ? md`raise \`${propose.container ?? 'the container'}\` from ${propose.previousLimit ?? 'no limit'} to ${propose.limit} on ${propose.workload ?? 'the workload'}${rolls}`
    : md`${update.message}`;
  return md`${context.approvers} :red_circle: *Approval needed:* ${what}. Approve, edit or reject it on the card.`;
}

/**
 * A thread reply for an update, or null for updates the card alone shows (a step starting). One
 * message per step; decisions, rollbacks and resolutions name who did them.
 */
export function renderThreadMessage(update: RunUpdate, context: ThreadContext): (OutboundMessage & { blocks: types.KnownBlock[]; urgent: boolean }) | null {
  const id = update.incidentId;
  if (update.status === 'waiting-approval') {
    const prompt = fitText(approvalPrompt(update, context), id);
    return { text: prompt, blocks: [{ type: 'section', text: mrkdwnObject(prompt) }], urgent: true };
  }
  const head = stepMessage(update, context);
  if (!head) return null;
  const record = context.run?.steps.find((step) => step.step === update.step);
  const findings = record && stepShortfall(record) ? [] : update.findings;
  const body = joinMd([head, ...findings.flatMap((finding) => findingLines(finding, `${update.message}\n${head.text}`, update.step === 'image-info'))], '\n');
  const text = fitText(body, id);
  return { text: fitText(md`${head}`, id, 300), blocks: [{ type: 'section', text: mrkdwnObject(text) }].slice(0, MAX_BLOCKS) as types.KnownBlock[], urgent: false };
}

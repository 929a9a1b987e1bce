import type { types } from '@slack/bolt';
import { VERDICTS, isVerdict, type StepStatus } from '../../core/run.js';
import type { CardView } from './card-view.js';
import { clock, escapeText, fitText, MAX_BLOCKS, utcTime, who } from './mrkdwn.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export const ACTIONS = {
  approve: 'oom_approve',
  editLimit: 'oom_edit_limit',
  reject: 'oom_reject',
  rollback: 'oom_rollback',
  export: 'oom_export',
} as const;

const STEP_MARKS: Record<StepStatus, string> = {
  pending: '·',
  running: ':arrows_counterclockwise:',
  'waiting-approval': ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  skipped: '➖',
  failed: ':x:',
};

function headline(view: CardView): string {
  if (view.verdict === 'fixed') return `Fixed: ${view.subject}`;
  if (view.verdict) return `${isVerdict(view.verdict) ? VERDICTS[view.verdict] : view.verdict}: ${view.subject}`;
  if (view.actions.approve) return `Waiting for approval: ${view.subject}`;
  return `OOMKilled: ${view.subject}`;
}

function section(text: string, incidentId: number): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: fitText(text, incidentId) } };
}

function button(text: string, actionId: string, incidentId: number, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value: String(incidentId), ...(style ? { style } : {}) };
}

function buttons(view: CardView): KnownBlock {
  const elements: Button[] = [];
  if (view.actions.approve) {
    elements.push(
      button('Approve patch', ACTIONS.approve, view.incidentId, 'primary'),
      button('Edit limit', ACTIONS.editLimit, view.incidentId),
      button('Reject', ACTIONS.reject, view.incidentId, 'danger'),
    );
  }
  if (view.actions.rollback) {
    elements.push({
      ...button('Roll back', ACTIONS.rollback, view.incidentId, 'danger'),
      confirm: {
        title: { type: 'plain_text', text: 'Roll back the patch?' },
        text: { type: 'mrkdwn', text: `Restore the memory limit ${escapeText(view.proposal?.before ?? 'it had')} on ${escapeText(view.subject)}.` },
        confirm: { type: 'plain_text', text: 'Roll back' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    });
  }
  elements.push(button('Export postmortem', ACTIONS.export, view.incidentId));
  return { type: 'actions', block_id: `incident_${view.incidentId}`, elements };
}

/** The incident card: one message, updated in place as the checklist moves. */
export function renderCard(view: CardView): { text: string; blocks: KnownBlock[] } {
  const id = view.incidentId;
  const budget = `${clock(view.elapsedMs)} of ${clock(view.budgetMs)}${view.elapsedMs > view.budgetMs ? ' (over budget)' : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: headline(view).slice(0, 150) } },
    {
      type: 'section',
      fields: [
        `*Incident*\n#${id} (${escapeText(view.trigger)})`,
        `*Budget clock*\n${budget}`,
        `*Pod*\n\`${escapeText(view.pod)}\``,
        `*Container*\n${view.container ? `\`${escapeText(view.container)}\`` : '—'}`,
        `*Cluster*\n${escapeText(view.cluster)}`,
        `*Status*\n${view.open ? 'open' : 'closed'}${view.verdict ? `, ${escapeText(view.verdict)}` : ''}`,
      ].map((text) => ({ type: 'mrkdwn', text: fitText(text, id, 2000) })),
    },
  ];
  if (view.steps.length > 0) blocks.push(section(view.steps.map((step) => `${STEP_MARKS[step.status]} ${step.name}`).join('   '), id));
  if (view.latest) blocks.push(section(`> ${escapeText(view.latest)}`, id));
  if (view.proposal) {
    blocks.push(section(`*Proposed patch:* \`limits.memory\` ${escapeText(view.proposal.before)} → *${escapeText(view.proposal.after)}*\n${escapeText(view.proposal.rationale)}`, id));
  }
  const context: string[] = [];
  if (view.decision) context.push(`${escapeText(view.decision.decision)} by ${who(view.decision.actor)} at ${utcTime(view.decision.at)}`);
  if (view.rollback) context.push(`rolled back by ${who(view.rollback.actor)} at ${utcTime(view.rollback.at)}`);
  if (view.alerts.firing + view.alerts.resolved > 0) {
    context.push(view.alerts.firing === 0 ? `alerts: all ${view.alerts.resolved} resolved` : `alerts: ${view.alerts.firing} firing, ${view.alerts.resolved} resolved`);
  }
  if (view.pods.length > 1) context.push(`pods: ${view.pods.map(escapeText).join(', ')}`);
  if (context.length > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: fitText(context.join(' · '), id) }] });
  blocks.push(buttons(view));
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Details in the thread · \`/oom-check export ${id}\`` }] });
  return { text: `Incident ${id}: ${headline(view)}`, blocks: blocks.slice(0, MAX_BLOCKS) };
}

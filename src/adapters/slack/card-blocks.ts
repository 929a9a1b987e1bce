import type { types } from '@slack/bolt';
import { VERDICTS, isVerdict, type StepStatus } from '../../core/run.js';
import type { CardView } from './card-view.js';
import { clock, fitText, joinMd, MAX_BLOCKS, md, mrkdwnObject, utcTime, who, type Mrkdwn } from './mrkdwn.js';
import type { OutboundMessage } from './slack-outbound.js';

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

function section(text: Mrkdwn, incidentId: number): KnownBlock {
  return { type: 'section', text: mrkdwnObject(fitText(text, incidentId)) };
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
        text: mrkdwnObject(md`Restore the memory limit ${view.proposal?.before ?? 'it had'} on ${view.subject}.`),
        confirm: { type: 'plain_text', text: 'Roll back' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    });
  }
  elements.push(button('Export postmortem', ACTIONS.export, view.incidentId));
  return { type: 'actions', block_id: `incident_${view.incidentId}`, elements };
}

/** The incident card: one message, updated in place as the checklist moves. */
export function renderCard(view: CardView): OutboundMessage & { blocks: KnownBlock[] } {
  const id = view.incidentId;
  const budget = `${clock(view.elapsedMs)} of ${clock(view.budgetMs)}${view.elapsedMs > view.budgetMs ? ' (over budget)' : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: headline(view).slice(0, 150) } },
    {
      type: 'section',
      fields: [
        md`*Incident*\n#${id} (${view.trigger})`,
        md`*Budget clock*\n${budget}`,
        md`*Pod*\n\`${view.pod}\``,
        view.container ? md`*Container*\n\`${view.container}\`` : md`*Container*\n—`,
        md`*Cluster*\n${view.cluster}`,
        view.verdict ? md`*Status*\n${view.open ? 'open' : 'closed'}, ${view.verdict}` : md`*Status*\n${view.open ? 'open' : 'closed'}`,
      ].map((text) => mrkdwnObject(fitText(text, id, 2000))),
    },
  ];
  if (view.steps.length > 0) blocks.push(section(joinMd(view.steps.map((step) => md`${STEP_MARKS[step.status]} ${step.name}`), '   '), id));
  if (view.latest) blocks.push(section(md`> ${view.latest}`, id));
  if (view.proposal) {
    blocks.push(section(md`*Proposed patch:* \`limits.memory\` ${view.proposal.before} → *${view.proposal.after}*\n${view.proposal.rationale}`, id));
  }
  const context: Mrkdwn[] = [];
  if (view.decision) context.push(md`${view.decision.decision} by ${who(view.decision.actor)} at ${utcTime(view.decision.at)}`);
  if (view.rollback) context.push(md`rolled back by ${who(view.rollback.actor)} at ${utcTime(view.rollback.at)}`);
  if (view.alerts.firing + view.alerts.resolved > 0) {
    context.push(view.alerts.firing === 0 ? md`alerts: all ${view.alerts.resolved} resolved` : md`alerts: ${view.alerts.firing} firing, ${view.alerts.resolved} resolved`);
  }
  if (view.pods.length > 1) context.push(md`pods: ${joinMd(view.pods, ', ')}`);
  if (context.length > 0) blocks.push({ type: 'context', elements: [mrkdwnObject(fitText(joinMd(context, ' · '), id))] });
  blocks.push(buttons(view));
  blocks.push({ type: 'context', elements: [mrkdwnObject(md`Details in the thread · \`/oom-check export ${id}\``)] });
  return { text: md`Incident ${id}: ${headline(view)}`, blocks: blocks.slice(0, MAX_BLOCKS) };
}

import type { types } from '@slack/bolt';
import type { StepStatus } from '../../core/run.js';
import { bodyWords, clockWords, factsWords, headline, triageWords } from './card-text.js';
import type { CardView } from './card-view.js';
import { fitText, joinMd, md, mrkdwnObject, shorten, type Mrkdwn } from './mrkdwn.js';
import type { OutboundMessage } from './slack-outbound.js';
import { STEP_LABELS } from './step-words.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export const ACTIONS = {
  approve: 'oom_approve',
  downgrade: 'oom_downgrade',
  editLimit: 'oom_edit_limit',
  reject: 'oom_reject',
  rollback: 'oom_rollback',
  resolve: 'oom_resolve',
  export: 'oom_export',
  acknowledge: 'oom_ack',
} as const;

/** Slack's limits on the parts of a card (Block Kit reference). */
export const LIMITS = { header: 150, context: 2000, confirmTitle: 100, confirmText: 300, confirmButton: 30, button: 75 } as const;

const STEP_MARKS: Record<StepStatus, string> = {
  pending: '◽',
  running: ':arrows_counterclockwise:',
  'waiting-approval': ':hourglass_flowing_sand:',
  succeeded: ':white_check_mark:',
  skipped: '➖',
  failed: ':x:',
};

function button(text: string, actionId: string, incidentId: number, style?: 'primary' | 'danger', confirm?: types.ConfirmationDialog): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: String(incidentId),
    ...(style ? { style } : {}),
    ...(confirm ? { confirm } : {}),
  };
}

/** A confirmation in plain words; plain text, so nothing in it is read as markup. */
function confirmation(title: string, text: string, yes: string, style: 'primary' | 'danger'): types.ConfirmationDialog {
  const plainText = (value: string, max: number) => ({ type: 'plain_text' as const, text: shorten(value, max - 1) });
  return { title: plainText(title, LIMITS.confirmTitle), text: plainText(text, LIMITS.confirmText), confirm: plainText(yes, LIMITS.confirmButton), deny: plainText('Cancel', LIMITS.confirmButton), style };
}

function containerName(view: CardView): string {
  return view.container ? `${view.container.kind === 'init' ? 'init container' : 'container'} ${view.container.name}` : 'the container';
}

/** The seed's quick downgrade: its own button, confirmed in words that say what is swapped and checked. */
function downgradeButton(view: CardView, offer: NonNullable<NonNullable<CardView['proposal']>['downgrade']>): Button {
  const probe = offer.probe ? `, adding an exec readinessProbe to ${offer.probe.container}` : '';
  const slim = `${offer.image.slice(offer.image.lastIndexOf('/') + 1, offer.image.indexOf('@'))}@${offer.sha256.slice(0, 19)}…`;
  const text = `Swap ${containerName(view)} of ${view.subject} to ${slim}${probe}; the limit stays. Rolled back unless the new pod runs exactly that digest within ${offer.maxBytes / 1e6} MB.`;
  return button('Quick downgrade', ACTIONS.downgrade, view.incidentId, undefined, confirmation('Swap to the slim image?', text, 'Swap and roll', 'primary'));
}

function buttons(view: CardView): Button[] {
  const id = view.incidentId;
  const p = view.proposal;
  const elements: Button[] = [];
  if (view.actions.approve && p) {
    const rolls = p.rolls === null ? 'Its pods roll one by one.' : `This rolls its ${p.rolls} pod${p.rolls === 1 ? '' : 's'} now.`;
    elements.push(
      button('Approve patch', ACTIONS.approve, id, 'primary', confirmation(`Raise the limit to ${p.after}?`, `Patch ${p.workload}: limits.memory of ${containerName(view)} ${p.before ?? 'none'} -> ${p.after}. ${rolls}`, 'Approve and roll', 'primary')),
      button('Edit limit', ACTIONS.editLimit, id),
      ...(p.downgrade ? [downgradeButton(view, p.downgrade)] : []),
      button(
        'Reject',
        ACTIONS.reject,
        id,
        'danger',
        confirmation('Reject the patch?', `Nothing will change: ${view.subject} stays broken, its ${containerName(view)} keeps being OOMKilled. The incident stays open until someone resolves it.`, 'Reject', 'danger'),
      ),
    );
  }
  if (view.actions.rollback) {
    const to = p?.before ?? 'the old limit';
    elements.push(
      button('Roll back', ACTIONS.rollback, id, 'danger', confirmation(`Roll back to ${to}?`, `Restore limits.memory ${to} on ${view.subject}. Its pods roll again and the OOM kill of ${containerName(view)} will come back.`, 'Roll back', 'danger')),
    );
  }
  if (view.actions.resolve) {
    elements.push(button('Resolve', ACTIONS.resolve, id, undefined, confirmation('Resolve the incident?', `Close it once ${view.subject} runs again, or is handled elsewhere. The card and the timeline keep who resolved it.`, 'Resolve', 'primary')));
  }
  if (view.actions.acknowledge) elements.push(button("I'm on it", ACTIONS.acknowledge, id));
  if (view.actions.export) elements.push(button('Export postmortem', ACTIONS.export, id));
  return elements;
}

function progress(view: CardView): Mrkdwn | null {
  if (view.steps.length === 0) return null;
  const steps = view.steps.map((step) => md`${step.shortfall ? ':warning:' : STEP_MARKS[step.status]} ${STEP_LABELS[step.name]}`);
  const extra: Mrkdwn[] = [];
  if (view.alerts.firing + view.alerts.resolved > 0) {
    extra.push(view.alerts.firing === 0 ? md`alerts: all ${view.alerts.resolved} resolved` : md`alerts: ${view.alerts.firing} firing, ${view.alerts.resolved} resolved`);
  }
  if (view.pods.length > 1) extra.push(md`pods: ${joinMd(view.pods, ', ')}`);
  return joinMd([joinMd(steps, '  '), ...extra, md`details in the thread`], ' · ');
}

const context = (text: Mrkdwn, id: number): KnownBlock => ({ type: 'context', elements: [mrkdwnObject(fitText(text, id, LIMITS.context))] });

/**
 * The incident card, drawn from the incident's state alone: the state in the header, the clock,
 * the decision (or what happened and what to do next), only the buttons that fit, then the
 * progress. Nothing from an earlier state survives a change of state.
 */
export function renderCard(view: CardView): OutboundMessage & { blocks: KnownBlock[] } {
  const id = view.incidentId;
  const title = headline(view);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: shorten(title, LIMITS.header - 1), emoji: true } },
    context(joinMd([clockWords(view), factsWords(view)], '  ·  '), id),
    context(triageWords(view), id),
  ];
  const body = bodyWords(view);
  if (body.text !== '') blocks.push({ type: 'section', text: mrkdwnObject(fitText(body, id)) });
  const elements = buttons(view);
  if (elements.length > 0) blocks.push({ type: 'actions', block_id: `incident_${id}_${view.state}`, elements });
  const steps = progress(view);
  if (steps) blocks.push(context(steps, id));
  return { text: fitText(md`Incident ${id}: ${title}`, id), blocks };
}

import type { types } from '@slack/bolt';
import { parseQuantity } from '../../core/quantity.js';
import { checkEditedLimit } from '../../core/rules/check-edited-limit.js';
import { formatQuantity } from '../../core/quantity.js';
import type { TimelineData, TimelineKind } from '../../core/timeline.js';
import type { ApprovalRequest } from '../../runbook/lifecycle.js';
import { ACTIONS } from './card-blocks.js';
import { exportPostmortem } from './command-handler.js';
import { joinMd, md, mrkdwnObject, plain, utcTime, who, type Mrkdwn } from './mrkdwn.js';
import { slackActor, type SlackContext } from './slack-context.js';
import { setOwner } from '../../runbook/triage-incident.js';
import { clock as clockText } from './mrkdwn.js';
import { buildCardView } from './card-view.js';

export const EDIT_LIMIT_MODAL = 'oom_edit_limit_modal';
export const LIMIT_BLOCK = 'limit';
export const LIMIT_INPUT = 'value';

export type ActionId = (typeof ACTIONS)[keyof typeof ACTIONS];

const ACTION_IDS: ReadonlySet<string> = new Set(Object.values(ACTIONS));

export function isActionId(value: string): value is ActionId {
  return ACTION_IDS.has(value);
}

/** What the audit log records of a command or click: its result, and whether it was refused. */
export interface AuditOutcome {
  result: string;
  allowed?: boolean;
}

const REFUSED: AuditOutcome = { result: 'refused: not one of the approvers', allowed: false };

export interface ActionRequest {
  action: ActionId;
  incidentId: number;
  userId: string;
  triggerId: string;
}

const GUARDED: ReadonlySet<ActionId> = new Set([ACTIONS.approve, ACTIONS.downgrade, ACTIONS.editLimit, ACTIONS.reject, ACTIONS.rollback, ACTIONS.resolve]);
/** What each button does, as the refusal says it: "Only @alice or @sre-leads can approve the patch." */
const DOES: Record<ActionId, string> = {
  oom_approve: 'approve the patch',
  oom_downgrade: 'approve the quick downgrade',
  oom_edit_limit: 'edit the limit',
  oom_reject: 'reject the patch',
  oom_rollback: 'roll the patch back',
  oom_resolve: 'resolve the incident',
  oom_export: 'export the postmortem',
  oom_ack: 'take the incident',
};

function record(context: SlackContext, incidentId: number, userId: string, kind: TimelineKind, data: TimelineData): void {
  context.incidents.append({ incidentId, at: context.clock.now().toISOString(), kind, actor: slackActor(userId), data });
}

async function tell(context: SlackContext, incidentId: number, userId: string, text: Mrkdwn): Promise<void> {
  const channel = context.incidents.getIncident(incidentId)?.chat?.channel;
  if (channel) await context.slack.ephemeral(channel, userId, text);
}

/** Writes the refused attempt on the timeline, as an access.denied row. */
function deny(context: SlackContext, incidentId: number, userId: string, action: ActionId, how: string): void {
  record(context, incidentId, userId, 'access.denied', { action, message: `refused to ${DOES[action]} (${how}): not one of the approvers` });
}

/** "Only @alice or @sre-leads can approve the patch; …": the approvers by name, not an environment variable. */
export async function refusal(context: SlackContext, action: ActionId): Promise<Mrkdwn> {
  return md`:no_entry: Only ${await context.approvers.describe()} can ${DOES[action]}. Ask one of them; your attempt is on the incident's timeline.`;
}

/**
 * "I'm on it" (by `owner` themself) or `/oom-check assign` (by another): the incident's owner,
 * on the card and in the thread with the time to acknowledge. Anyone may take an incident: owning
 * it changes nothing in the cluster, and the card and timeline say who did.
 */
export async function takeOwnership(context: SlackContext, incidentId: number, owner: string, byUser: string): Promise<void> {
  const answer = setOwner(context, incidentId, slackActor(owner), slackActor(byUser));
  if (answer.outcome !== 'set') {
    if (answer.outcome === 'unchanged') await tell(context, incidentId, byUser, md`${who(slackActor(owner))} already owns incident #${incidentId}.`);
    return;
  }
  void context.messenger.refreshCard(incidentId);
  const incident = context.incidents.getIncident(incidentId)!;
  const facts = buildCardView(incident, context.runs.getRun(incidentId), context.incidents.timeline(incidentId), context.clock.now()).owner;
  const by = owner === byUser ? md`` : md` (assigned by ${who(slackActor(byUser))})`;
  const tta = answer.previous === null && facts ? md`: acknowledged ${clockText(facts.ttaMs)} after the ${facts.from === 'kill' ? 'OOM kill' : 'detection'}` : md``;
  await context.messenger.postInThread(incidentId, { text: md`:wave: ${who(slackActor(owner))} is on it${by}${tta}.` });
}

/** Settles the gate and, when approved, continues the run; answers the clicker when it was already decided. */
export async function decide(context: SlackContext, incidentId: number, userId: string, request: Omit<ApprovalRequest, 'actor'>): Promise<{ problem: Mrkdwn | null; outcome: AuditOutcome }> {
  const answer = context.lifecycle.decide(incidentId, { ...request, actor: slackActor(userId) });
  switch (answer.outcome) {
    case 'settled':
      void context.messenger.refreshCard(incidentId);
      if (answer.decision === 'approve') context.background(`advance ${incidentId}`, () => context.runner.advance(incidentId));
      return { problem: null, outcome: { result: answer.decision === 'reject' ? 'rejected' : request.fix === 'downgrade' ? 'approved the quick downgrade' : `approved ${answer.limit ?? ''}`.trim() } };
    case 'not-offered':
      await tell(context, incidentId, userId, md`No quick downgrade to approve: ${answer.message}.`);
      return { problem: null, outcome: { result: `not offered: ${answer.message}` } };
    case 'invalid-limit':
      return { problem: plain(answer.message), outcome: { result: `invalid limit: ${answer.message}` } };
    case 'already-decided':
      record(context, incidentId, userId, 'note', { text: `clicked after the decision (${answer.decision} by ${answer.actor})` });
      await tell(context, incidentId, userId, md`Already decided: ${who(answer.actor)} ${answer.decision === 'reject' ? 'rejected' : 'approved'} the patch at ${utcTime(answer.at)}.`);
      return { problem: null, outcome: { result: `already decided: ${answer.decision} by ${answer.actor}` } };
    case 'not-waiting':
      record(context, incidentId, userId, 'note', { text: `clicked ${request.decision}: ${answer.message}` });
      await tell(context, incidentId, userId, md`Nothing to decide: ${answer.message}.`);
      return { problem: null, outcome: { result: `nothing to decide: ${answer.message}` } };
  }
}

function editLimitModal(context: SlackContext, incidentId: number): types.ModalView {
  const propose = context.runs.getRun(incidentId)?.steps.find((step) => step.step === 'propose')?.result ?? {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '(none)');
  return {
    type: 'modal' as const,
    callback_id: EDIT_LIMIT_MODAL,
    private_metadata: String(incidentId),
    title: { type: 'plain_text' as const, text: 'Edit memory limit' },
    submit: { type: 'plain_text' as const, text: 'Approve this limit' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'section' as const,
        text: mrkdwnObject(
          joinMd([
            md`Incident #${incidentId}: current \`limits.memory\` *${text(propose.previousLimit)}*, proposed *${text(propose.limit)}*.`,
            md`The limit must be above the current one and at most ${formatQuantity(context.maxLimitBytes)}.`,
          ], '\n'),
        ),
      },
      {
        type: 'input' as const,
        block_id: LIMIT_BLOCK,
        label: { type: 'plain_text' as const, text: 'New memory limit' },
        element: { type: 'plain_text_input' as const, action_id: LIMIT_INPUT, initial_value: text(propose.limit), placeholder: { type: 'plain_text' as const, text: 'e.g. 192Mi' } },
      },
    ],
  };
}

/** A click on a card button. Approve, edit, reject and roll back are for approvers only; every click is on the timeline. */
export async function handleAction(context: SlackContext, request: ActionRequest): Promise<AuditOutcome> {
  const { incidentId, userId, action } = request;
  if (!context.incidents.getIncident(incidentId)) return { result: `ignored: incident ${incidentId} does not exist` };
  if (GUARDED.has(action) && !(await context.approvers.allows(userId))) {
    deny(context, incidentId, userId, action, 'button');
    await tell(context, incidentId, userId, await refusal(context, action));
    return REFUSED;
  }
  switch (action) {
    case ACTIONS.approve:
    case ACTIONS.reject:
      return (await decide(context, incidentId, userId, { decision: action === ACTIONS.approve ? 'approve' : 'reject' })).outcome;
    case ACTIONS.downgrade:
      return (await decide(context, incidentId, userId, { decision: 'approve', fix: 'downgrade' })).outcome;
    case ACTIONS.editLimit:
      record(context, incidentId, userId, 'note', { text: 'opened Edit limit' });
      await context.slack.openModal(request.triggerId, editLimitModal(context, incidentId));
      return { result: 'opened the Edit limit form' };
    case ACTIONS.rollback: {
      const result = await context.lifecycle.rollback(incidentId, slackActor(userId));
      if (result.outcome !== 'rolled-back') {
        record(context, incidentId, userId, 'note', { text: `clicked Roll back: ${result.outcome === 'already-rolled-back' ? `already rolled back by ${result.actor}` : result.message}` });
        await tell(context, incidentId, userId, result.outcome === 'already-rolled-back' ? md`Already rolled back by ${who(result.actor)} at ${utcTime(result.at)}.` : md`No rollback: ${result.message}.`);
      }
      void context.messenger.refreshCard(incidentId);
      return { result: result.outcome === 'rolled-back' ? `rolled back to ${result.limit ?? '(no limit)'}` : result.outcome === 'already-rolled-back' ? `already rolled back by ${result.actor}` : `no rollback: ${result.message}` };
    }
    case ACTIONS.resolve: {
      const answer = context.lifecycle.resolve(incidentId, slackActor(userId));
      let why = '';
      if (answer.outcome !== 'resolved') {
        why = answer.outcome === 'already-closed' ? `it is already closed${answer.at ? ` (${utcTime(answer.at)})` : ''}` : answer.message;
        record(context, incidentId, userId, 'note', { text: `clicked Resolve: ${why}` });
        await tell(context, incidentId, userId, md`Not resolved: ${why}.`);
      }
      void context.messenger.refreshCard(incidentId);
      return { result: answer.outcome === 'resolved' ? 'resolved' : `not resolved: ${why}` };
    }
    case ACTIONS.export:
      record(context, incidentId, userId, 'note', { text: 'exported the postmortem' });
      await exportPostmortem(context, incidentId, userId);
      return { result: 'exported the postmortem into the thread' };
    case ACTIONS.acknowledge:
      await takeOwnership(context, incidentId, userId, userId);
      return { result: 'took ownership' };
  }
}

export interface EditLimitSubmission {
  /** From the modal's private_metadata; null when it is not an incident id. */
  incidentId: number | null;
  userId: string;
  value: string;
}

/**
 * The Edit limit modal's submission: an error for the input, or null when the edited limit was
 * approved. The modal's incident is checked first (the submission may be crafted or stale), then
 * the user (a refusal is on the timeline, as for a button), then the limit.
 */
export async function handleEditLimit(context: SlackContext, submission: EditLimitSubmission): Promise<{ problem: Mrkdwn | null; outcome: AuditOutcome }> {
  const { incidentId, userId, value } = submission;
  if (incidentId === null || !context.incidents.getIncident(incidentId)) {
    return { problem: md`This form does not belong to an incident oom-check knows. Close it and use Edit limit on the incident's card again.`, outcome: { result: 'ignored: the form names no incident oom-check knows' } };
  }
  if (!(await context.approvers.allows(userId))) {
    deny(context, incidentId, userId, ACTIONS.editLimit, 'modal submission');
    return { problem: md`Only ${await context.approvers.describe()} can approve a limit; your attempt is on the incident's timeline.`, outcome: REFUSED };
  }
  const previous = context.runs.getRun(incidentId)?.steps.find((step) => step.step === 'propose')?.result.previousLimit;
  const checked = checkEditedLimit(value, { currentBytes: typeof previous === 'string' ? parseQuantity(previous) : null, maxBytes: context.maxLimitBytes });
  if (!checked.ok) return { problem: plain(checked.problem), outcome: { result: `invalid limit: ${checked.problem}` } };
  return decide(context, incidentId, userId, { decision: 'approve', limit: checked.limit });
}

import { md, who } from './mrkdwn.js';
import { slackActor, type SlackContext } from './slack-context.js';
import { STORM_ACTIONS } from './storm-card.js';

const MAX_LISTED = 20;

/**
 * "Approve all N proposals" on a storm card, after Slack's confirmation dialog: the approver
 * check of a single click, then each waiting proposal settled through Lifecycle.decide, which
 * checks it as a single approval does (still waiting, not decided meanwhile, and whatever else
 * the lifecycle asks). One reply in the storm thread says how many were approved and why the
 * others were not; every decision is on its incident's timeline.
 */
export async function approveAll(context: SlackContext, stormId: number, userId: string): Promise<void> {
  const desk = context.messenger.storms;
  const storm = desk?.storm(stormId);
  if (!desk || !storm) {
    context.log.warn({ stormId, user: userId }, 'Approve all names no storm this bot knows; ignored');
    return;
  }
  const actor = slackActor(userId);
  const waiting = desk.members(stormId).filter((member) => member.view.actions.approve).map((member) => member.view.incidentId);
  const at = () => context.clock.now().toISOString();
  if (!(await context.approvers.allows(userId))) {
    for (const incidentId of waiting) {
      context.incidents.append({ incidentId, at: at(), kind: 'access.denied', actor, data: { action: STORM_ACTIONS.approveAll, message: `refused to approve all proposals of storm ${stormId} (button): not one of the approvers` } });
    }
    await context.slack.ephemeral(storm.channel, userId, md`:no_entry: Only ${await context.approvers.describe()} can approve the proposals. Ask one of them; your attempt is on each incident's timeline.`);
    return;
  }
  let approved = 0;
  const refused: string[] = [];
  for (const incidentId of waiting) {
    const answer = context.lifecycle.decide(incidentId, { actor, decision: 'approve', reason: `Approve all on storm card ${stormId}` });
    if (answer.outcome === 'settled') {
      approved++;
      context.background(`advance ${incidentId}`, () => context.runner.advance(incidentId));
      void context.messenger.refreshCard(incidentId);
    } else {
      const why = answer.outcome === 'already-decided' ? `already ${answer.decision === 'reject' ? 'rejected' : 'approved'} by ${answer.actor}` : answer.message;
      context.incidents.append({ incidentId, at: at(), kind: 'note', actor, data: { text: `Approve all on storm card ${stormId} left it: ${why}` } });
      refused.push(`#${incidentId} (${why})`);
    }
  }
  void desk.refresh(stormId);
  const others = refused.length === 0 ? md`` : md` Not approved: ${refused.slice(0, MAX_LISTED).join(', ')}${refused.length > MAX_LISTED ? ` and ${refused.length - MAX_LISTED} more` : ''}.`;
  const text = md`:+1: *Approved ${approved} of ${waiting.length} proposals* with Approve all, by ${who(actor)}.${others}`;
  if (storm.ts) await context.slack.post(storm.channel, { text }, storm.ts, { urgent: true });
}

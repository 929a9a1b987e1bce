import { clock, joinMd, md, mention } from './mrkdwn.js';
import type { SlackContext } from './slack-context.js';

/**
 * Re-notifies approvers in the card's thread when an approval has waited longer than
 * `remindAfterMs`, at most once per that interval. (Expiry is the lifecycle's own schedule.)
 * Returns the incidents reminded.
 */
export async function remindApprovers(context: SlackContext, approverIds: readonly string[], remindAfterMs: number): Promise<number[]> {
  const reminded: number[] = [];
  for (const run of context.runs.listUnfinishedRuns().filter((waiting) => waiting.status === 'waiting-approval')) {
    const since = run.steps.find((step) => step.step === 'approve' && step.status === 'waiting-approval')?.startedAt;
    if (!since) continue;
    const now = context.clock.now().getTime();
    const lastReminder = context.incidents
      .timeline(run.incidentId)
      .filter((event) => event.kind === 'note' && event.data.reminder === true)
      .at(-1)?.at;
    if (now - Date.parse(since) < remindAfterMs || (lastReminder && now - Date.parse(lastReminder) < remindAfterMs)) continue;
    await context.messenger.postInThread(run.incidentId, {
      text: md`${joinMd(approverIds.map(mention), ' ')} incident #${run.incidentId} has waited ${clock(now - Date.parse(since))} for an approval: approve, edit or reject the patch on the card.`,
    });
    context.incidents.append({ incidentId: run.incidentId, at: context.clock.now().toISOString(), kind: 'note', actor: 'oom-check', data: { text: 'reminded the approvers', reminder: true } });
    reminded.push(run.incidentId);
  }
  return reminded;
}

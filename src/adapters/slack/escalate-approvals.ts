import { dueEscalations, type EscalationLevel } from '../../core/rules/due-escalations.js';
import { stepOf, type RunRecord } from '../../core/run.js';
import { SYSTEM_ACTOR } from '../../core/timeline.js';
import type { ScheduledWork } from '../../runbook/on-schedule.js';
import { clock, joinMd, md, mention } from './mrkdwn.js';
import type { SlackContext } from './slack-context.js';

export interface EscalationSettings {
  approvers: readonly string[];
  /** SLACK_ONCALL_GROUP; null: the on-call level has nobody to mention and is skipped. */
  oncallGroup: string | null;
  /** OOM_CHECK_REMIND_AFTER as a duration: replaces the runbook's remindApproversAfterSeconds. */
  remindAfterMs: number | null;
  /** How often to look for approvals another process began. */
  pollMs?: number;
}

/**
 * The runbook's escalation while an approval waits, as scheduled work on the bot's clock: the
 * approvers are pinged again in the card's thread, then the on-call group is mentioned. Each is
 * a timeline row (`escalation`, with whom it pinged) written before the message, so a restart
 * neither forgets a ping that is due nor sends one twice. Expiry is the lifecycle's own schedule.
 */
export function escalationSchedule(context: () => SlackContext, settings: EscalationSettings): ScheduledWork {
  const pollMs = settings.pollMs ?? 1000;
  // Levels already pinged, by wait (incident and when its gate opened): read once from the timeline.
  const pinged = new Map<string, Set<EscalationLevel>>();

  const plan = (run: RunRecord, now: number) => {
    const since = stepOf(run, 'approve').startedAt ?? run.startedAt;
    const approve = run.spec.runbook.steps.approve;
    const seconds = (value: number | null) => (value === null ? null : value * 1000);
    const afterMs = {
      approvers: settings.remindAfterMs ?? seconds(approve.escalation.remindApproversAfterSeconds),
      oncall: settings.oncallGroup ? seconds(approve.escalation.mentionOncallAfterSeconds) : null,
    };
    const key = `${run.incidentId}:${since}`;
    let done = pinged.get(key);
    const waitingSince = Date.parse(since);
    const input = { waitingSince, now, afterMs, expiresAt: waitingSince + approve.timeoutSeconds * 1000 };
    if (!done && dueEscalations({ ...input, done: new Set() }).due.length > 0) {
      done = new Set(context().incidents.timeline(run.incidentId).filter((event) => event.kind === 'escalation' && event.at >= since).map((event) => event.data.level as EscalationLevel));
      pinged.set(key, done);
    }
    return { key, since: waitingSince, ...dueEscalations({ ...input, done: done ?? new Set() }) };
  };

  const waiting = () => context().runs.listWaitingApprovals();

  return {
    name: 'approval-escalation',
    run: async () => {
      const { incidents, messenger, clock: botClock } = context();
      const now = botClock.now().getTime();
      for (const run of waiting()) {
        const { key, since, due } = plan(run, now);
        for (const level of due) {
          const ids = level === 'approvers' ? [...settings.approvers] : [settings.oncallGroup!];
          const waited = now - since;
          incidents.append({ incidentId: run.incidentId, at: new Date(now).toISOString(), kind: 'escalation', actor: SYSTEM_ACTOR, step: 'approve', data: { level, pinged: ids, waitedSeconds: Math.round(waited / 1000), message: level === 'approvers' ? 'pinged the approvers again' : 'mentioned on-call' } });
          pinged.get(key)?.add(level);
          const who = joinMd(ids.map(mention), ' ');
          const text =
            level === 'approvers'
              ? md`${who} incident #${run.incidentId} has waited ${clock(waited)} for an approval: approve, edit or reject the patch on the card.`
              : md`${who} on-call: incident #${run.incidentId} has waited ${clock(waited)} for an approval and the approvers have not answered; it expires at ${clock(run.spec.runbook.steps.approve.timeoutSeconds * 1000)}. Approve, edit or reject the patch on the card.`;
          await messenger.postInThread(run.incidentId, { text }, { urgent: true });
        }
      }
      // Waits that ended are forgotten: the map holds only approvals still waiting.
      const live = new Set(waiting().map((run) => `${run.incidentId}:${stepOf(run, 'approve').startedAt ?? run.startedAt}`));
      for (const key of pinged.keys()) if (!live.has(key)) pinged.delete(key);
    },
    nextInMs: () => {
      const now = context().clock.now().getTime();
      const next = waiting().map((run) => plan(run, now).nextAt).filter((at): at is number => at !== null);
      return next.length > 0 ? Math.max(0, Math.min(pollMs, Math.min(...next) - now)) : pollMs;
    },
  };
}

import type { AuditOutcome } from './action-handler.js';
import { shorten } from './mrkdwn.js';
import { slackActor, type SlackContext } from './slack-context.js';

export interface SlackAuditEntry {
  userId: string;
  /** The channel the command or click came from (a modal has none: its incident's channel). */
  channelId: string | null;
  action: string;
  target: string | null;
  detail?: Record<string, string>;
}

/**
 * Records a command or click in the audit log, once: the first result reported wins (a command
 * whose follow-up fails still has one row). A failed audit write is logged loudly; the command
 * itself has already happened and is on the incident's timeline.
 */
export function slackAudit(context: SlackContext, entry: SlackAuditEntry): (outcome: AuditOutcome) => void {
  let recorded = false;
  return (outcome) => {
    if (recorded) return;
    recorded = true;
    try {
      context.audit.record({
        at: context.clock.now().toISOString(),
        actor: slackActor(entry.userId),
        source: 'slack',
        place: entry.channelId ?? 'unknown',
        action: entry.action,
        target: entry.target,
        allowed: outcome.allowed ?? true,
        result: shorten(outcome.result, 500),
        detail: entry.detail ?? {},
      });
    } catch (error) {
      context.log.error({ err: error, action: entry.action, user: entry.userId }, 'the audit log could not record a Slack command or click');
    }
  };
}

/** Runs a follow-up that reports its result; a failure, or none reported, is recorded as such. */
export async function audited(audit: (outcome: AuditOutcome) => void, work: (audit: (outcome: AuditOutcome) => void) => Promise<unknown>): Promise<void> {
  try {
    await work(audit);
  } catch (error) {
    audit({ result: `failed: ${(error as Error).message}` });
    throw error;
  } finally {
    audit({ result: 'ended without a result' });
  }
}

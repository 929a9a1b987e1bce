import type { RunStore } from '../../core/ports.js';
import type { RunObserver } from '../../core/run.js';
import type { Approvers } from './approvers.js';
import type { IncidentMessenger } from './incident-messenger.js';
import { joinMd, md } from './mrkdwn.js';
import { renderThreadMessage } from './thread-message.js';

/**
 * How runs speak in Slack: every update redraws the card; steps, decisions, rollbacks and
 * resolutions get one thread reply each; an approval needed mentions the approvers at once.
 * In a storm, an incident listed on the storm card without a card of its own says in the storm
 * thread only what needs a person (a run that ended without a fix): the storm card shows every
 * incident's state, the storm thread has one approval prompt for all, and the steps are on each
 * incident's timeline. Hundreds of step replies would hold the channel for an hour.
 */
export function slackRunObserver(deps: { runs: RunStore; messenger: IncidentMessenger; approvers: Approvers }): RunObserver {
  return {
    onUpdate: (update) => {
      void deps.messenger.refreshCard(update.incidentId);
      const thread = renderThreadMessage(update, { run: deps.runs.getRun(update.incidentId), approvers: deps.approvers.mentions() });
      if (!thread) return;
      if (!deps.messenger.isStormOnly(update.incidentId)) {
        void deps.messenger.postInThread(update.incidentId, thread, { urgent: thread.urgent });
        return;
      }
      if (update.status !== 'finished' || update.verdict === 'fixed') return;
      void deps.messenger.postInThread(update.incidentId, { text: joinMd([md`*#${update.incidentId}*`, thread.text], ' ') });
    },
  };
}

import type { RunStore } from '../../core/ports.js';
import type { RunObserver } from '../../core/run.js';
import type { Approvers } from './approvers.js';
import type { IncidentMessenger } from './incident-messenger.js';
import { renderThreadMessage } from './thread-message.js';

/**
 * How runs speak in Slack: every update redraws the card; steps, decisions, rollbacks and
 * resolutions get one thread reply each; an approval needed mentions the approvers at once.
 */
export function slackRunObserver(deps: { runs: RunStore; messenger: IncidentMessenger; approvers: Approvers }): RunObserver {
  return {
    onUpdate: (update) => {
      void deps.messenger.refreshCard(update.incidentId);
      const thread = renderThreadMessage(update, { run: deps.runs.getRun(update.incidentId), approvers: deps.approvers.mentions() });
      if (thread) void deps.messenger.postInThread(update.incidentId, thread, { urgent: thread.urgent });
    },
  };
}

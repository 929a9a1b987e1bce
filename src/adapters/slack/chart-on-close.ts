import type { IncidentListener, IncidentStore } from '../../core/ports.js';
import { renderIncidentChartPngAsync } from '../render/render-incident-chart-png.js';
import type { IncidentMessenger } from './incident-messenger.js';
import { md } from './mrkdwn.js';

/**
 * When an incident closes, its postmortem chart (memory against the limit, the kill, each step on
 * the budget's time axis, the patch, the verification) goes into the card's thread as a PNG:
 * people look at it rather than read the timeline. Rendered off the event loop, after the close
 * was committed; queued behind what the messenger already has for the incident.
 */
export function chartOnClose(deps: { incidents: IncidentStore; messenger: IncidentMessenger; background(what: string, work: () => Promise<unknown>): void }): IncidentListener {
  return {
    closed: (incident) => {
      deps.background(`chart of incident ${incident.id}`, async () => {
        const png = await renderIncidentChartPngAsync(incident, deps.incidents.timeline(incident.id));
        await deps.messenger.uploadToThread(incident.id, {
          filename: `incident-${incident.id}-chart.png`,
          title: `Incident ${incident.id}: memory, the kill and the fix`,
          content: png,
          comment: md`Incident #${incident.id} closed (${incident.verdict ?? 'no verdict'}): memory against the limit, the kill and each step on the budget's time axis.`,
        });
      });
    },
  };
}

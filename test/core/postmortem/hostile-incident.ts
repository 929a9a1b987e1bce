import type { Incident } from '../../../src/core/incident.js';
import type { TimelineEvent } from '../../../src/core/timeline.js';
import { HOSTILE, seedIncident } from './sample-incidents.js';

/**
 * The seed case with hostile text wherever the chart or the page shows text from users or the
 * cluster: names, the limit, a step's name, the workload, actors, a note.
 */
export const hostileIncident: { incident: Incident; events: TimelineEvent[] } = {
  incident: { ...seedIncident.incident, cluster: HOSTILE, pod: HOSTILE, owner: { kind: 'Deployment', name: HOSTILE }, container: HOSTILE },
  events: [
    ...seedIncident.events.map((event): TimelineEvent => {
      if (event.kind === 'patch.applied') return { ...event, actor: `slack:${HOSTILE}`, data: { ...event.data, workload: HOSTILE, before: { 'limits.memory': HOSTILE } } };
      if (event.step === 'propose') return { ...event, step: HOSTILE };
      return event;
    }),
    { seq: 200, incidentId: 43, at: '2026-11-27T10:02:31.000Z', kind: 'note', actor: `slack:${HOSTILE}`, step: null, data: { text: HOSTILE } },
  ],
};

import type { Clusters } from '../core/clusters.js';
import type { Clock, IncidentStore, Logger, RunStore } from '../core/ports.js';
import type { Runbook } from '../core/runbook-schema.js';
import type { Lifecycle } from '../runbook/lifecycle.js';

/** What an automatic trigger (alerts, the sweep) needs to open incidents and hand them on. */
export interface TriggerDeps {
  incidents: IncidentStore;
  runs: RunStore;
  lifecycle: Lifecycle;
  clusters: Clusters;
  clock: Clock;
  log: Logger;
  runbook: Runbook;
  maxLimitBytes: number;
  /** A card to post or refresh; `created` when the incident is new and its checklist should start. */
  onIncident(incidentId: number, created: boolean): void;
}

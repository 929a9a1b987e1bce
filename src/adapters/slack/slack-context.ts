import type { Clusters } from '../../core/clusters.js';
import type { AuditLog, Clock, IncidentStore, Logger, RunStore } from '../../core/ports.js';
import type { Runbook } from '../../core/runbook-schema.js';
import type { Lifecycle } from '../../runbook/lifecycle.js';
import type { Runner } from '../../runbook/runner.js';
import type { Approvers } from './approvers.js';
import type { IncidentMessenger } from './incident-messenger.js';
import type { SlackOutbound } from './slack-outbound.js';

/** What the Slack handlers share: the checklist, Slack's client, and work still running after an ack. */
export interface SlackContext {
  incidents: IncidentStore;
  runs: RunStore;
  /** Every command and click, who, where and the result. */
  audit: AuditLog;
  clusters: Clusters;
  runner: Runner;
  lifecycle: Lifecycle;
  clock: Clock;
  log: Logger;
  /** Every message the handlers send, text escaped by construction. */
  slack: SlackOutbound;
  messenger: IncidentMessenger;
  approvers: Approvers;
  runbook: Runbook;
  maxLimitBytes: number;
  allowedNamespaces: readonly string[];
  /** Keeps work started after an ack, so shutdown can wait for it; failures are logged, never lost. */
  background(what: string, work: () => Promise<unknown>): void;
}

export const slackActor = (userId: string): string => `slack:${userId}`;

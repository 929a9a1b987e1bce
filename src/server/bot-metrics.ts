import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Seconds from the OOM kill to the verified fix. The edges sit around the 180 s budget (the SLO's
 * line), so a dashboard can read "within budget" from one bucket.
 */
export const KILL_TO_MITIGATION_BUCKETS = [15, 30, 60, 90, 120, 180, 300, 600, 1800];
/** Steps take from milliseconds (propose) to minutes (an approval, the wait for a new pod). */
export const STEP_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** What gauges read at scrape time, from the store: never a counter kept beside it. */
export interface ScrapeTimeSources {
  approvalsWaiting(): number;
  alertQueueDepth(): number;
}

/**
 * The one owner of the bot's metric definitions (names, labels, buckets), on a private registry
 * (prom-client's global one would mix in whatever else the process registers, and two bots in a
 * test would share it). Everything else feeds these through the observers in bot-metrics-feed.ts;
 * core code never sees prom-client. `deploy/prometheus` and `deploy/grafana` read these names.
 */
export class BotMetrics {
  readonly registry = new Registry();
  readonly incidentsOpened: Counter<'cluster' | 'trigger'>;
  readonly incidentsClosed: Counter<'cluster' | 'verdict'>;
  readonly killToMitigation: Histogram<'cluster'>;
  readonly budget: Counter<'cluster' | 'outcome'>;
  readonly stepDuration: Histogram<'step' | 'outcome'>;
  readonly slackCalls: Counter<'method' | 'outcome'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly alertsReceived: Counter;
  readonly watchRestarts: Counter<'cluster' | 'reason'>;

  constructor(sources: ScrapeTimeSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.incidentsOpened = new Counter({ name: 'oom_check_incidents_opened_total', help: 'Incidents opened, by cluster and trigger.', labelNames: ['cluster', 'trigger'], registers });
    this.incidentsClosed = new Counter({ name: 'oom_check_incidents_closed_total', help: 'Incidents closed, by cluster and verdict.', labelNames: ['cluster', 'verdict'], registers });
    this.killToMitigation = new Histogram({
      name: 'oom_check_kill_to_mitigation_seconds',
      help: 'Seconds from the OOM kill to the verified fix.',
      labelNames: ['cluster'],
      buckets: KILL_TO_MITIGATION_BUCKETS,
      registers,
    });
    this.budget = new Counter({
      name: 'oom_check_budget_total',
      help: 'Ended checklist runs against the budget (180 s from the kill): met = fix verified in time; missed = late, or ended without a verified fix.',
      labelNames: ['cluster', 'outcome'],
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'oom_check_step_duration_seconds',
      help: 'Checklist step durations, by step and outcome (succeeded, failed, skipped).',
      labelNames: ['step', 'outcome'],
      buckets: STEP_DURATION_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'oom_check_approvals_waiting',
      help: 'Approval gates waiting for a person now (read from the store at scrape time).',
      registers,
      collect() {
        this.set(sources.approvalsWaiting());
      },
    });
    this.slackCalls = new Counter({ name: 'oom_check_slack_calls_total', help: 'Slack Web API calls, by method and outcome: ok, rate_limited (a 429, retried), error.', labelNames: ['method', 'outcome'], registers });
    this.webhookDeliveries = new Counter({ name: 'oom_check_webhook_deliveries_total', help: 'Alertmanager webhook deliveries, by outcome.', labelNames: ['outcome'], registers });
    this.alertsReceived = new Counter({ name: 'oom_check_alerts_received_total', help: 'Alerts in accepted webhook deliveries (re-sent ones included).', registers });
    new Gauge({
      name: 'oom_check_alert_queue_depth',
      help: 'Alerts stored but not yet processed into incidents (read from the store at scrape time).',
      registers,
      collect() {
        this.set(sources.alertQueueDepth());
      },
    });
    this.watchRestarts = new Counter({ name: 'oom_check_watch_restarts_total', help: 'Times the pod watch had to list again, by cause.', labelNames: ['cluster', 'reason'], registers });
  }

  /** The exposition for GET /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

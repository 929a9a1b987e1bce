/**
 * A few busy hours of the bot's /metrics as OpenMetrics text with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics`: every metric the bot's prom-client /metrics exports
 * (the agreed names, and prom-client's default process metrics), from a deterministic simulation of
 * incidents in two clusters. Busy on purpose (an incident every few minutes) so that even the
 * dashboard's 5-minute windows hold an ended incident: a panel that shows nothing is then a wrong
 * query, not a quiet bot.
 */

import { KILL_TO_MITIGATION_BUCKETS, STEP_DURATION_BUCKETS } from '../../../src/server/bot-metrics.js';

export const HISTORY_LABELS = { job: 'oom-check', instance: '10.42.0.17:3000' } as const;
export const CLUSTERS = ['prod-eu', 'prod-us'] as const;

const TRIGGERS = ['slack', 'alertmanager', 'sweep', 'watch', 'cli'] as const;
// The bot's own buckets, so the dashboard is tested on the series the bot really exports.
const STEP_BUCKETS = STEP_DURATION_BUCKETS;
const BUDGET_SECONDS = 180;

/** Seconds from the kill to the verified fix, in turn; two of ten are late. */
const MITIGATION_SECONDS = [95, 120, 140, 160, 175, 200, 130, 110, 260, 150];

interface Incident {
  cluster: string;
  trigger: string;
  openedAt: number;
  /** Kill -> verified fix; null when the fix did not verify. */
  mitigationSeconds: number | null;
  closedAt: number;
  verdict: string;
  steps: Array<{ step: string; outcome: string; at: number; seconds: number }>;
  approvalFrom: number;
  approvalTo: number;
}

function simulate(start: number, end: number): Incident[] {
  const incidents: Incident[] = [];
  CLUSTERS.forEach((cluster, clusterIndex) => {
    const period = clusterIndex === 0 ? 150 : 210;
    for (let k = 0, openedAt = start + 40 + clusterIndex * 70; openedAt < end; k++, openedAt += period) {
      const notOom = k % 11 === 10;
      const failed = !notOom && k % 7 === 6;
      const mitigation = notOom || failed ? null : (MITIGATION_SECONDS[k % MITIGATION_SECONDS.length] ?? 120);
      // Detected ~20 s after the kill; the steps fill the time to the fix.
      const kill = openedAt - 20;
      const approve = 30 + (k % 5) * 10;
      const steps: Incident['steps'] = [];
      let at = openedAt;
      const step = (name: string, outcome: string, seconds: number) => {
        at += seconds;
        steps.push({ step: name, outcome, at, seconds });
      };
      step('detect', 'succeeded', 0.3 + (k % 3) * 0.1);
      if (!notOom) {
        step('image-info', k % 4 === 3 ? 'failed' : 'succeeded', 1.2);
        step('rss-peak', k % 3 === 2 ? 'skipped' : 'succeeded', 2.4);
        step('propose', 'succeeded', 0.04);
        step('approve', 'waiting', 0.02);
        step('approve', 'succeeded', approve);
        step('apply', 'succeeded', 1.5);
        step('wait', 'succeeded', 35 + (k % 4) * 8);
        step('health', failed ? 'failed' : 'succeeded', 0.8);
      }
      const closedAt = mitigation === null ? at + 15 : kill + mitigation + 20;
      incidents.push({
        cluster,
        trigger: TRIGGERS[k % TRIGGERS.length] ?? 'slack',
        openedAt,
        mitigationSeconds: mitigation,
        closedAt,
        verdict: notOom ? 'not-oom' : failed ? 'verification-failed' : 'fixed',
        steps,
        approvalFrom: openedAt + 4,
        approvalTo: openedAt + 4 + approve,
      });
    }
  });
  return incidents;
}

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const all = { ...labels, ...HISTORY_LABELS };
  return `{${Object.entries(all).map(([key, value]) => `${key}="${value}"`).join(',')}}`;
}

/** Samples of one family: its TYPE line, then each series' samples in time order, as OpenMetrics wants. */
class Family {
  private readonly lines: string[];
  constructor(name: string, type: 'counter' | 'gauge' | 'histogram', help: string) {
    this.lines = [`# TYPE ${name} ${type}`, `# HELP ${name} ${help}`];
  }
  series(sample: string, labels: Labels, times: readonly number[], value: (t: number) => number): this {
    const text = labelText(labels);
    for (const t of times) this.lines.push(`${sample}${text} ${round(value(t))} ${t}`);
    return this;
  }
  /** One histogram series: at each time, every bucket, then count and sum. */
  histogram(name: string, labels: Labels, buckets: readonly number[], times: readonly number[], observed: (t: number) => number[]): this {
    for (const t of times) {
      const values = observed(t);
      for (const le of [...buckets.map(String), '+Inf']) {
        const count = values.filter((value) => le === '+Inf' || value <= Number(le)).length;
        this.lines.push(`${name}_bucket${labelText({ ...labels, le })} ${count} ${t}`);
      }
      this.lines.push(`${name}_count${labelText(labels)} ${values.length} ${t}`);
      this.lines.push(`${name}_sum${labelText(labels)} ${round(values.reduce((sum, value) => sum + value, 0))} ${t}`);
    }
    return this;
  }
  text(): string {
    return this.lines.join('\n');
  }
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const count = <T>(items: readonly T[], t: number, time: (item: T) => number | null) =>
  items.filter((item) => {
    const at = time(item);
    return at !== null && at <= t;
  }).length;

/** The history from `end - hours` to `end` (unix seconds), one sample every `stepSeconds`. */
export function botMetricsHistory({ end, hours, stepSeconds }: { end: number; hours: number; stepSeconds: number }): string {
  const start = end - hours * 3600;
  const times: number[] = [];
  for (let t = start; t <= end; t += stepSeconds) times.push(t);
  const incidents = simulate(start, end);
  const mitigatedAt = (incident: Incident) => (incident.mitigationSeconds === null ? null : incident.openedAt - 20 + incident.mitigationSeconds);
  const budgetOutcome = (incident: Incident) =>
    incident.verdict === 'not-oom' ? null : incident.mitigationSeconds !== null && incident.mitigationSeconds <= BUDGET_SECONDS ? 'met' : 'missed';
  const families: Family[] = [];

  const opened = new Family('oom_check_incidents_opened', 'counter', 'Incidents opened, by trigger.');
  const closed = new Family('oom_check_incidents_closed', 'counter', 'Incidents closed, by verdict.');
  const killToMitigation = new Family('oom_check_kill_to_mitigation_seconds', 'histogram', 'Seconds from the OOM kill to the verified fix.');
  const budget = new Family('oom_check_budget', 'counter', 'Incidents by the 180 s budget: met or missed.');
  const restarts = new Family('oom_check_watch_restarts', 'counter', 'Restarts of the pod watch, by reason.');
  for (const cluster of CLUSTERS) {
    const mine = incidents.filter((incident) => incident.cluster === cluster);
    for (const trigger of TRIGGERS) {
      const these = mine.filter((incident) => incident.trigger === trigger);
      opened.series('oom_check_incidents_opened_total', { cluster, trigger }, times, (t) => count(these, t, (i) => i.openedAt));
    }
    for (const verdict of ['fixed', 'verification-failed', 'not-oom']) {
      const these = mine.filter((incident) => incident.verdict === verdict);
      closed.series('oom_check_incidents_closed_total', { cluster, verdict }, times, (t) => count(these, t, (i) => i.closedAt));
    }
    killToMitigation.histogram('oom_check_kill_to_mitigation_seconds', { cluster }, KILL_TO_MITIGATION_BUCKETS, times, (t) =>
      mine.flatMap((incident) => {
        const at = mitigatedAt(incident);
        return at !== null && at <= t && incident.mitigationSeconds !== null ? [incident.mitigationSeconds] : [];
      }),
    );
    for (const outcome of ['met', 'missed']) {
      const these = mine.filter((incident) => budgetOutcome(incident) === outcome);
      budget.series('oom_check_budget_total', { cluster, outcome }, times, (t) => count(these, t, (i) => mitigatedAt(i) ?? i.closedAt));
    }
    restarts.series('oom_check_watch_restarts_total', { cluster, reason: 'expired' }, times, (t) => Math.floor((t - start) / 1800));
    restarts.series('oom_check_watch_restarts_total', { cluster, reason: 'idle-timeout' }, times, (t) => Math.floor((t - start) / 900));
  }
  families.push(opened, closed, killToMitigation, budget, restarts);

  const stepFamily = new Family('oom_check_step_duration_seconds', 'histogram', 'Checklist step durations, by step and outcome.');
  const allSteps = incidents.flatMap((incident) => incident.steps);
  const combos = [...new Set(allSteps.map((s) => `${s.step}/${s.outcome}`))].sort();
  for (const combo of combos) {
    const [step = '', outcome = ''] = combo.split('/');
    const these = allSteps.filter((s) => s.step === step && s.outcome === outcome);
    stepFamily.histogram('oom_check_step_duration_seconds', { step, outcome }, STEP_BUCKETS, times, (t) => these.filter((s) => s.at <= t).map((s) => s.seconds));
  }
  families.push(stepFamily);

  families.push(
    new Family('oom_check_approvals_waiting', 'gauge', 'Approval gates waiting for a person.').series('oom_check_approvals_waiting', {}, times, (t) =>
      incidents.filter((incident) => incident.verdict !== 'not-oom' && incident.approvalFrom <= t && t < incident.approvalTo).length,
    ),
  );

  const slack = new Family('oom_check_slack_calls', 'counter', 'Slack Web API calls, by method and outcome.');
  const perSecond: Array<[string, string, number]> = [
    ['chat.postMessage', 'ok', 0.05], ['chat.update', 'ok', 0.3], ['chat.update', 'rate_limited', 0.004],
    ['chat.postEphemeral', 'ok', 0.01], ['files.uploadV2', 'ok', 0.005], ['chat.postMessage', 'error', 0.0005],
  ];
  for (const [method, outcome, rate] of perSecond) slack.series('oom_check_slack_calls_total', { method, outcome }, times, (t) => Math.floor((t - start) * rate));
  families.push(slack);

  const webhooks = new Family('oom_check_webhook_deliveries', 'counter', 'Alertmanager webhook deliveries, by outcome.');
  const deliveries: Array<[string, number]> = [['accepted', 1 / 60], ['unauthorized', 1 / 1800], ['invalid', 1 / 3600], ['too_large', 0], ['unsupported', 0]];
  for (const [outcome, rate] of deliveries) webhooks.series('oom_check_webhook_deliveries_total', { outcome }, times, (t) => Math.floor((t - start) * rate));
  families.push(webhooks);

  families.push(
    new Family('oom_check_alert_queue_depth', 'gauge', 'Alerts waiting to become incidents.').series('oom_check_alert_queue_depth', {}, times, (t) => Math.floor((t - start) / 30) % 4),
    new Family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.').series('process_resident_memory_bytes', {}, times, (t) => 92e6 + 6e6 * Math.sin((t - start) / 900)),
    new Family('process_cpu_seconds', 'counter', 'Total user and system CPU time spent in seconds.').series('process_cpu_seconds_total', {}, times, (t) => (t - start) * 0.03),
    new Family('nodejs_eventloop_lag_seconds', 'gauge', 'Lag of event loop in seconds.').series('nodejs_eventloop_lag_seconds', {}, times, (t) => 0.002 + 0.001 * Math.cos((t - start) / 300)),
    new Family('nodejs_eventloop_lag_p99_seconds', 'gauge', 'The 99th percentile of the recorded event loop delays.').series('nodejs_eventloop_lag_p99_seconds', {}, times, (t) => 0.02 + 0.005 * Math.sin((t - start) / 600)),
  );
  return `${families.map((family) => family.text()).join('\n')}\n# EOF\n`;
}

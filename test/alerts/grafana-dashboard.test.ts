import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { botMetricsHistory, CLUSTERS, HISTORY_LABELS } from '../support/prometheus/bot-metrics-history.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus/start-prometheus.js';

const dashboardFile = join(packageRoot, 'deploy', 'grafana', 'oom-check.json');
const sloRulesFile = join(packageRoot, 'deploy', 'prometheus', 'oom-check-slo.yaml');

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: string;
  includeAll?: boolean;
  allValue?: string;
  multi?: boolean;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
const queryPanels = dashboard.panels.filter((panel) => panel.type !== 'row');
const targets = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, ...target })));

/** Every metric the bot exports (prom-client), by the names the rules and the dashboard use. */
const BOT_METRICS = [
  'oom_check_incidents_opened_total',
  'oom_check_incidents_closed_total',
  'oom_check_kill_to_mitigation_seconds_bucket',
  'oom_check_budget_total',
  'oom_check_step_duration_seconds_bucket',
  'oom_check_step_duration_seconds_count',
  'oom_check_approvals_waiting',
  'oom_check_slack_calls_total',
  'oom_check_webhook_deliveries_total',
  'oom_check_alert_queue_depth',
  'oom_check_watch_restarts_total',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_seconds',
];

/** What Grafana puts in for the variables: one cluster, or "All" (the variable's allValue). */
function substitute(expr: string, cluster: string): string {
  const done = expr
    .replaceAll('$__rate_interval', '2m') // 4 x the history's 30 s step, as Grafana computes it
    .replaceAll('$job', HISTORY_LABELS.job)
    .replaceAll('$cluster', cluster);
  if (done.includes('$')) throw new Error(`a variable the test does not know is left in: ${done}`);
  return done;
}

describe('deploy/grafana/oom-check.json', () => {
  test('is a dashboard a current Grafana imports: unique ids, a 24-column grid, every panel on the data source variable', () => {
    expect(dashboard).toMatchObject({ uid: 'oom-check', title: 'oom-check' });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type === 'row') continue;
      expect({ title: panel.title, datasource: panel.datasource }).toEqual({ title: panel.title, datasource: { type: 'prometheus', uid: '${datasource}' } });
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    expect(new Set(targets.map((target) => `${target.panel}/${target.refId}`)).size).toBe(targets.length);
  });

  test('has the data source, job and cluster variables; cluster takes several values or all', () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(Object.keys(variables)).toEqual(['datasource', 'job', 'cluster']);
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.cluster).toMatchObject({ type: 'query', includeAll: true, allValue: '.*', multi: true, query: expect.stringContaining(', cluster)') });
    // Every series that has a cluster label is filtered by the variable.
    for (const target of targets) {
      if (/oom_check_(incidents|kill_to_mitigation|budget|watch_restarts)|cluster:/.test(target.expr)) expect(target.expr).toContain('cluster=~"$cluster"');
    }
  });

  test('shows every metric the bot exports and the SLO\'s recording rules', () => {
    const all = targets.map((target) => target.expr).join('\n');
    expect(BOT_METRICS.filter((metric) => !all.includes(metric))).toEqual([]);
    for (const rule of ['cluster:oom_check_error_budget_remaining:ratio30d', 'cluster:oom_check_budget_missed:ratio_rate1h', 'oom_check:slo_objective:ratio']) {
      expect(all).toContain(rule);
    }
  });

  describe('every panel query against a real Prometheus with a few hours of the bot\'s metrics', () => {
    let prometheus: RunningPrometheus | undefined;

    beforeAll(async () => {
      const end = Math.floor(Date.now() / 1000);
      prometheus = await startPrometheus({ openMetrics: botMetricsHistory({ end, hours: 3, stepSeconds: 30 }), ruleFiles: [sloRulesFile] });
      // The recording rules have values only from the start on: wait for their first evaluation.
      const deadline = Date.now() + 10_000;
      const evaluated = async () => {
        const reply = await prometheus!.query('cluster:oom_check_error_budget_remaining:ratio30d');
        return reply.status === 'success' && reply.data.result.length > 0;
      };
      while (!(await evaluated())) {
        if (Date.now() > deadline) throw new Error(`the SLO recording rules produced nothing within 10 s:\n${prometheus.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }, 60_000);

    afterAll(async () => {
      await prometheus?.stop();
    });

    test.each([...CLUSTERS.slice(0, 1), '.*'])('with cluster=%s, every query is valid and returns series with numbers', async (cluster) => {
      const problems: string[] = [];
      for (const target of targets) {
        const expr = substitute(target.expr, cluster);
        const reply = await prometheus!.query(expr);
        if (reply.status !== 'success') {
          problems.push(`${target.panel} (${target.refId}): ${reply.httpStatus} ${reply.errorType}: ${reply.error}\n  ${expr}`);
        } else if (reply.data.result.length === 0) {
          problems.push(`${target.panel} (${target.refId}): no series\n  ${expr}`);
        } else if (!reply.data.result.some((series) => Number.isFinite(Number(series.value[1])))) {
          problems.push(`${target.panel} (${target.refId}): only NaN or infinite values\n  ${expr}`);
        }
      }
      expect(problems).toEqual([]);
    });

    test('the SLO rules evaluate without errors on the bot\'s metrics', async () => {
      const { data } = JSON.parse((await prometheus!.get('/api/v1/rules')).body) as {
        data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
      };
      const rules = data.groups.flatMap((group) => group.rules);
      expect(rules.length).toBeGreaterThan(10);
      expect(rules.filter((rule) => rule.health === 'err').map((rule) => `${rule.name}: ${rule.lastError ?? ''}`)).toEqual([]);
    });

    test('a filter on one cluster shows only that cluster', async () => {
      const reply = await prometheus!.query(substitute('cluster:oom_check_budget_missed:ratio_rate1h{cluster=~"$cluster"}', 'prod-eu'));
      expect(reply.status === 'success' && reply.data.result.map((series) => series.metric.cluster)).toEqual(['prod-eu']);
    });

    test('a broken query would be caught: Prometheus answers 400 bad_data', async () => {
      const reply = await prometheus!.query('sum by (le (rate(oom_check_budget_total[5m]))');
      expect(reply).toMatchObject({ httpStatus: 400, status: 'error', errorType: 'bad_data' });
    });
  });
});

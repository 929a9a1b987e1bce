import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_ALERT_NAMES } from '../../src/core/alerts/map-alert.js';
import { packageRoot } from '../../src/paths.js';
import { requireTool } from '../support/alertmanager/require-tool.js';
import { runTool } from '../support/run-tool.js';

const sloFile = join(packageRoot, 'deploy', 'prometheus', 'oom-check-slo.yaml');
const sloTestFile = join(packageRoot, 'deploy', 'prometheus', 'oom-check-slo.test.yaml');
const receiverFile = join(packageRoot, 'deploy', 'alertmanager', 'receiver.yaml');

const promtool = () => requireTool('promtool', 'prometheus');
const amtool = () => requireTool('amtool', 'prometheus-alertmanager');

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (parse(readFileSync(sloFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule) => rule.alert !== undefined);

/** promtool test rules on the shipped test file, run against `yaml` in place of the shipped rules. */
async function promtoolTestWith(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-slo-'));
  try {
    writeFileSync(join(dir, 'oom-check-slo.yaml'), yaml);
    writeFileSync(join(dir, 'oom-check-slo.test.yaml'), readFileSync(sloTestFile, 'utf8'));
    return await runTool(promtool(), ['test', 'rules', join(dir, 'oom-check-slo.test.yaml')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy/prometheus/oom-check-slo.yaml', () => {
  test('promtool check rules accepts it', async () => {
    const outcome = await runTool(promtool(), ['check', 'rules', sloFile]);
    expect(outcome).toEqual({ exitCode: 0, output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  test('promtool test rules: each alert fires at its burn rate, not below it, and ends with its short window', async () => {
    const outcome = await runTool(promtool(), ['test', 'rules', sloTestFile]);
    expect(outcome).toEqual({ exitCode: 0, output: expect.stringContaining('SUCCESS') });
  });

  // The promtool test can fail: each change below breaks one promise it checks.
  test.each([
    ['the 14.4x page without its short window (it would page on after the burn stopped)', 'and cluster:oom_check_budget_missed:ratio_rate5m > (14.4 * (1 - 0.99))', 'and vector(1)'],
    ['the 14.4x page at 12x (it would page on the 13x cluster)', '> (14.4 * (1 - 0.99))', '> (12 * (1 - 0.99))'],
    ['the seed\'s burn rate 2 at 2.6 (silent on the 2.5x cluster)', '> (2 * (1 - 0.99))', '> (2.6 * (1 - 0.99))'],
    ['a ratio that forgets clusters that never missed', 'or 0 * sum by (cluster) (rate(oom_check_budget_total{outcome="met"}[5m]))', ''],
  ])('promtool test rules fails with %s', async (_name, from, to) => {
    const shipped = readFileSync(sloFile, 'utf8');
    expect(shipped).toContain(from);
    const outcome = await promtoolTestWith(shipped.replaceAll(from, to));
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.output).toContain('FAILED');
  });

  test('the alerts are the workbook\'s four window pairs plus the seed\'s burn rate 2, pages critical, tickets warning', () => {
    const pairs = alerts.map((rule) => [rule.alert, rule.labels?.burn_rate, rule.labels?.long_window, rule.labels?.short_window, rule.labels?.severity]);
    expect(pairs).toEqual([
      ['OomCheckErrorBudgetBurn', '14.4', '1h', '5m', 'critical'],
      ['OomCheckErrorBudgetBurn', '6', '6h', '30m', 'critical'],
      ['OomCheckErrorBudgetBurn', '3', '1d', '2h', 'warning'],
      ['OomCheckErrorBudgetBurn', '2', '1d', '2h', 'warning'],
      ['OomCheckErrorBudgetBurn', '1', '3d', '6h', 'warning'],
    ]);
  });

  test('each alert compares its labelled windows with its labelled burn rate, times the recorded objective\'s budget', () => {
    const objective = rules.find((rule) => rule.record === 'oom_check:slo_objective:ratio')?.expr.trim();
    const target = /^vector\((0\.\d+)\)$/.exec(objective ?? '')?.[1];
    expect(target).toBeDefined();
    for (const alert of alerts) {
      const { burn_rate: rate, long_window: long, short_window: short } = alert.labels ?? {};
      const comparisons = [...alert.expr.matchAll(/(cluster:oom_check_budget_missed:ratio_rate\w+) > \(([\d.]+) \* \(1 - ([\d.]+)\)\)/g)].map((match) => match.slice(1));
      expect(comparisons).toEqual([
        [`cluster:oom_check_budget_missed:ratio_rate${long}`, rate, target],
        [`cluster:oom_check_budget_missed:ratio_rate${short}`, rate, target],
      ]);
      expect(alert.expr).toMatch(/\n\s*and /);
      expect(alert.for).toBeUndefined();
      expect(Object.keys(alert.annotations ?? {}).sort()).toEqual(['description', 'summary']);
    }
  });

  test('every window an alert reads is recorded', () => {
    const recorded = new Set(rules.flatMap((rule) => rule.record ?? []));
    const read = new Set(alerts.flatMap((rule) => [...rule.expr.matchAll(/cluster:oom_check_budget_missed:ratio_rate\w+/g)].map((match) => match[0])));
    expect([...read].filter((name) => !recorded.has(name))).toEqual([]);
    expect([...recorded].filter((name) => name.includes('ratio_rate')).map((name) => name.replace(/.*ratio_rate/, '')))
      .toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
  });

  test('the bot never acts on its own SLO alerts', () => {
    for (const alert of alerts) expect(DEFAULT_ALERT_NAMES).not.toContain(alert.alert);
  });

  test.each(alerts.map((rule) => [rule.labels?.severity, rule.labels?.burn_rate, rule] as const))(
    'amtool routes the %s alert at burn rate %s to the default receiver, not to the bot',
    async (_severity, _rate, rule) => {
      const labels = Object.entries({ alertname: rule.alert, cluster: 'prod', ...rule.labels }).map(([key, value]) => `${key}=${value}`);
      const outcome = await runTool(amtool(), ['config', 'routes', 'test', `--config.file=${receiverFile}`, ...labels]);
      // amtool prints the receivers one a line (and a warning about --alertmanager.url on stderr).
      expect(outcome.exitCode).toBe(0);
      expect(outcome.output.split('\n').filter((line) => !line.startsWith('Warning:') && line !== '')).toEqual(['default']);
    },
  );
});

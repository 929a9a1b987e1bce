import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../src/paths.js';
import { startAlertmanager, type RunningAlertmanager } from './alertmanager/start-alertmanager.js';
import { startPrometheus, type RunningPrometheus } from './prometheus/start-prometheus.js';

export const SHIPPED_RULES = join(packageRoot, 'deploy', 'prometheus', 'oom-check-rules.yaml');
export const SHIPPED_RECEIVER = join(packageRoot, 'deploy', 'alertmanager', 'receiver.yaml');

/** The intervals of the alert path; the shipped files hold the production ones. */
export interface AlertPathIntervals {
  /** Prometheus' scrape and rule evaluation interval (the test's own config; production is your Prometheus'). */
  scrapeInterval: string;
  /** Every alerting rule's `for:`. */
  for: string;
  /** The oom-check route's group_wait and group_interval. */
  groupWait: string;
  groupInterval: string;
}

export const TEST_INTERVALS: AlertPathIntervals = { scrapeInterval: '1s', for: '1s', groupWait: '1s', groupInterval: '1s' };

interface RuleFile {
  groups: Array<{ rules: Array<{ alert?: string; for?: string }> }>;
}

/** The shipped rules with every alert's `for:` replaced (their expressions untouched). */
export function shippedRulesWith(forText: string): string {
  const rules = parse(readFileSync(SHIPPED_RULES, 'utf8')) as RuleFile;
  for (const rule of rules.groups.flatMap((group) => group.rules)) if (rule.alert !== undefined) rule.for = forText;
  return stringify(rules);
}

interface ReceiverConfig {
  route: { routes: Array<{ receiver: string; group_wait?: string; group_interval?: string }> };
  receivers: Array<{ name: string; webhook_configs?: Array<{ url: string; http_config?: { authorization?: { credentials_file?: string } } }> }>;
}

/**
 * deploy/alertmanager/receiver.yaml as shipped, pointed at this bot: the oom-check receiver's URL and
 * token file, and the oom-check route's waits shortened. Routes, matchers, auth type, max_alerts,
 * send_resolved and redirects stay as they are.
 */
export function shippedReceiverFor(options: { webhookUrl: string; tokenFile: string; groupWait: string; groupInterval: string }): string {
  const config = parse(readFileSync(SHIPPED_RECEIVER, 'utf8')) as ReceiverConfig;
  const route = config.route.routes.find((candidate) => candidate.receiver === 'oom-check');
  const hook = config.receivers.find((receiver) => receiver.name === 'oom-check')?.webhook_configs?.[0];
  const auth = hook?.http_config?.authorization;
  if (!route || !hook || !auth) throw new Error(`${SHIPPED_RECEIVER} no longer has the oom-check route and its webhook with a bearer token: update this helper`);
  Object.assign(route, { group_wait: options.groupWait, group_interval: options.groupInterval });
  hook.url = options.webhookUrl;
  auth.credentials_file = options.tokenFile;
  return stringify(config);
}

/** The interval text of a Prometheus/Alertmanager duration, in seconds (`1m30s`, `10s`, `500ms`). */
export function durationSeconds(text: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new Error(`"${text}" is not a duration like 1m or 30s`);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit!]!, 0);
}

export interface RunningAlertPath {
  prometheus: RunningPrometheus;
  alertmanager: RunningAlertmanager;
  stop(): Promise<void>;
}

/**
 * The real Prometheus scraping the simulator's /metrics as job kube-state-metrics (the job the
 * shipped rule selects) with the shipped rules, alerting to the real Alertmanager with the shipped
 * receiver, which delivers to the bot's webhook with a bearer token.
 */
export async function startAlertPath(options: { simUrl: string; botUrl: string; token: string; intervals?: AlertPathIntervals }): Promise<RunningAlertPath> {
  const intervals = options.intervals ?? TEST_INTERVALS;
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-alert-path-'));
  const stops: Array<() => Promise<void>> = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    writeFileSync(join(dir, 'rules.yaml'), shippedRulesWith(intervals.for));
    const alertmanager = await startAlertmanager({
      webhookUrl: `${options.botUrl}/webhooks/alertmanager`,
      config: (amDir) => {
        writeFileSync(join(amDir, 'token'), options.token, { mode: 0o600 });
        return shippedReceiverFor({ webhookUrl: `${options.botUrl}/webhooks/alertmanager`, tokenFile: join(amDir, 'token'), groupWait: intervals.groupWait, groupInterval: intervals.groupInterval });
      },
    });
    stops.push(() => alertmanager.stop());
    const prometheus = await startPrometheus({
      ruleFiles: [join(dir, 'rules.yaml')],
      scrape: [{ job: 'kube-state-metrics', targets: [new URL(options.simUrl).host] }],
      alertmanagers: [alertmanager.url],
      scrapeInterval: intervals.scrapeInterval,
    });
    stops.push(() => prometheus.stop());
    return { prometheus, alertmanager, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_ALERT_NAMES } from '../../src/core/alerts/map-alert.js';
import { WEBHOOK_LIMITS } from '../../src/core/alerts/parse-webhook.js';
import { packageRoot } from '../../src/paths.js';
import { requireTool } from '../support/alertmanager/require-tool.js';
import { runTool } from '../support/run-tool.js';

const rulesFile = join(packageRoot, 'deploy', 'prometheus', 'oom-check-rules.yaml');
const rulesTestFile = join(packageRoot, 'deploy', 'prometheus', 'oom-check-rules.test.yaml');
const receiverFile = join(packageRoot, 'deploy', 'alertmanager', 'receiver.yaml');

const promtool = () => requireTool('promtool', 'prometheus');
const amtool = () => requireTool('amtool', 'prometheus-alertmanager');

describe('deploy/prometheus/oom-check-rules.yaml', () => {
  test('promtool check rules accepts it', async () => {
    const outcome = await runTool(promtool(), ['check', 'rules', rulesFile]);
    expect(outcome).toEqual({ exitCode: 0, output: expect.stringContaining('SUCCESS: 1 rules found') });
  });

  test('promtool test rules: fires for an OOMKilled init container, not for a Completed one', async () => {
    const outcome = await runTool(promtool(), ['test', 'rules', rulesTestFile]);
    expect(outcome).toEqual({ exitCode: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('promtool test rules fails when the rule is wrong (the test above can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oom-check-rules-'));
    try {
      // Drop the "recently" part: the alert would fire for containers that recovered long ago.
      const broken = readFileSync(rulesFile, 'utf8').replace('and on (namespace, pod, container)', 'or on (namespace, pod, container)');
      writeFileSync(join(dir, 'oom-check-rules.yaml'), broken);
      writeFileSync(join(dir, 'oom-check-rules.test.yaml'), readFileSync(rulesTestFile, 'utf8'));
      const outcome = await runTool(promtool(), ['test', 'rules', join(dir, 'oom-check-rules.test.yaml')]);
      expect(outcome.exitCode).not.toBe(0);
      expect(outcome.output).toContain('FAILED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the alert keeps namespace, pod and container, fires within minutes and says what to do', () => {
    const rules = parse(readFileSync(rulesFile, 'utf8')) as {
      groups: { name: string; rules: { alert?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
    };
    const rule = rules.groups.flatMap((group) => group.rules).find((r) => r.alert === 'KubeInitContainerOOMKilled');
    expect(rule).toBeDefined();
    expect(DEFAULT_ALERT_NAMES).toContain(rule?.alert);
    expect(rule?.expr).toContain('kube_pod_init_container_status_last_terminated_reason');
    expect(rule?.expr).toMatch(/max by \(namespace, pod, container\)/);
    expect(rule?.for).toMatch(/^([0-9]+s|[1-5]m)$/);
    expect(rule?.labels?.severity).toBeDefined();
    expect(Object.keys(rule?.annotations ?? {}).sort()).toEqual(['description', 'summary']);
  });
});

describe('deploy/alertmanager/receiver.yaml', () => {
  test('amtool check-config accepts it', async () => {
    const outcome = await runTool(amtool(), ['check-config', receiverFile]);
    expect(outcome).toEqual({ exitCode: 0, output: expect.stringContaining('SUCCESS') });
  });

  test.each([
    ['KubeInitContainerOOMKilled', 'oom-check'],
    ['KubeContainerOOMKilled', 'oom-check'],
    ['KubePodCrashLooping', 'default'],
  ])('amtool routes %s to %s', async (alertname, receiver) => {
    const outcome = await runTool(amtool(), [
      'config', 'routes', 'test', `--config.file=${receiverFile}`, `--verify.receivers=${receiver}`, `alertname=${alertname}`, 'namespace=shop',
    ]);
    expect(outcome).toEqual({ exitCode: 0, output: expect.stringContaining(receiver) });
  });

  test('the webhook is the bot, with auth, resolutions, and batches the bot accepts', () => {
    const config = parse(readFileSync(receiverFile, 'utf8')) as {
      route: { routes: { receiver: string; group_by: string[]; group_wait: string; group_interval: string }[] };
      receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
    };
    const route = config.route.routes.find((r) => r.receiver === 'oom-check');
    expect(route?.group_by).toEqual(['alertname', 'namespace']);
    expect(route?.group_wait).toMatch(/^[0-9]+s$/);
    expect(route?.group_interval).toMatch(/^([0-9]+s|1m)$/);

    const [webhook, ...others] = config.receivers.find((r) => r.name === 'oom-check')?.webhook_configs ?? [];
    expect(others).toEqual([]);
    expect(webhook).toMatchObject({
      url: 'http://oom-check.oom-check.svc:3000/webhooks/alertmanager',
      send_resolved: true,
      http_config: { authorization: { type: 'Bearer', credentials_file: expect.stringMatching(/^\//) } },
    });
    expect(webhook?.max_alerts).toBeGreaterThan(0);
    expect(webhook?.max_alerts).toBeLessThanOrEqual(WEBHOOK_LIMITS.maxAlerts);
  });
});

test('a missing tool fails with the Debian package to install', () => {
  expect(() => requireTool('/usr/bin/no-such-promtool', 'prometheus')).toThrow(
    '/usr/bin/no-such-promtool is missing: install the Debian package prometheus (apt-get update && apt-get install -y --no-install-recommends prometheus)',
  );
});

import { ACTIONS } from '../../src/adapters/slack/card-blocks.js';
import { pollUntil } from '../sim/helpers/poll.js';
import { startBotHarness, type BotHarness } from '../slack/bot-harness.js';
import { loadFixture } from '../support/alertmanager/load-fixture.js';
import { decodePng } from '../support/decode-png.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { metricValue, scrapeMetrics, scrapeValue } from '../support/scrape-metrics.js';

const TOKEN = 'am-bearer-token-metrics';
const EXPIRED = { respond: { status: 200, body: '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410}}\n' } };

/**
 * Every metric of GET /metrics moves when the bot does the thing it counts, read over HTTP from a
 * running bot (the simulator behind a fault proxy, the Slack replica): the watch opens the seed's
 * incident after a 410 relist, an approver approves, the fix verifies, the incident closes and its
 * chart goes into the thread; webhooks are delivered, refused and queued.
 */
describe('the bot\'s /metrics', () => {
  let h: BotHarness;
  let proxy: FaultProxy;
  const value = (name: string, labels: Record<string, string> = {}) => scrapeValue(h.bot.url, name, labels);
  const reaches = (name: string, labels: Record<string, string>, target: number) =>
    pollUntil(async () => ((await value(name, labels)) >= target ? true : undefined), `${name}${JSON.stringify(labels)} to reach ${target}`, 20_000);

  beforeAll(async () => {
    h = await startBotHarness({
      env: { OOM_CHECK_WATCH: 'on', OOM_CHECK_NAMESPACES: 'shop', ALERTMANAGER_BEARER_TOKEN: TOKEN, SLACK_CHANNEL: 'C0METRICS' },
      kubeServer: async (simUrl) => {
        proxy = await startFaultProxy(simUrl);
        let watches = 0;
        // The bot's first watch hears that its resourceVersion expired: it lists again.
        proxy.rule((request) => (request.watch && request.url.includes('/pods?') && ++watches === 1 ? EXPIRED : 'pass'));
        return proxy.url;
      },
    });
  }, 30_000);
  afterAll(async () => {
    await h.close();
    await proxy.close();
  });

  test('an incident from the watch, approved and fixed: opened, steps, approvals, budget, kill -> mitigation, closed, Slack calls, restarts', async () => {
    await reaches('oom_check_watch_restarts_total', { reason: 'expired' }, 1);
    await reaches('oom_check_incidents_opened_total', { trigger: 'watch', cluster: 'oom-check-sim' }, 1);
    await h.card();
    await reaches('oom_check_approvals_waiting', {}, 1);
    const waiting = await scrapeMetrics(h.bot.url);
    expect(metricValue(waiting, 'oom_check_step_duration_seconds_count', { step: 'detect', outcome: 'succeeded' })).toBe(1);
    expect(metricValue(waiting, 'oom_check_budget_total')).toBe(0);

    // The next card update is answered 429 once: counted, then retried.
    h.replica.failNext('chat.update', { status: 429, retryAfter: 0 });
    await h.click(ACTIONS.approve, 1);
    await h.cardShows('Fixed: Deployment shop/checkout', 30_000);
    await reaches('oom_check_incidents_closed_total', { verdict: 'fixed' }, 1);

    const after = await scrapeMetrics(h.bot.url);
    expect(metricValue(after, 'oom_check_approvals_waiting')).toBe(0);
    expect(metricValue(after, 'oom_check_budget_total', { cluster: 'oom-check-sim', outcome: 'met' })).toBe(1);
    expect(metricValue(after, 'oom_check_budget_total', { outcome: 'missed' })).toBe(0);
    expect(metricValue(after, 'oom_check_kill_to_mitigation_seconds_count', { cluster: 'oom-check-sim' })).toBe(1);
    expect(metricValue(after, 'oom_check_kill_to_mitigation_seconds_bucket', { le: '180' })).toBe(1);
    for (const step of ['detect', 'propose', 'approve', 'apply', 'wait', 'health']) {
      expect([step, metricValue(after, 'oom_check_step_duration_seconds_count', { step, outcome: 'succeeded' })]).toEqual([step, 1]);
    }
    expect(metricValue(after, 'oom_check_slack_calls_total', { method: 'chat.postMessage', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(after, 'oom_check_slack_calls_total', { method: 'chat.update', outcome: 'rate_limited' })).toBe(1);
    // prom-client's process metrics, on the bot's own registry.
    expect(metricValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.some((family) => family.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  }, 60_000);

  test('the closed incident\'s thread gets its chart as a PNG that is not empty', async () => {
    const call = await h.replica.waitForCall('files.completeUploadExternal', () => true, 20_000);
    const card = await h.card();
    const upload = [...h.replica.uploads().values()].find((file) => file.filename === 'incident-1-chart.png');
    expect(upload?.completed).toMatchObject({ thread_ts: card.response.ts });
    expect(JSON.stringify(call.args)).toContain(upload!.fileId);
    const { width, height, rgba } = decodePng(upload!.bytes!);
    expect([width, height].every((side) => side > 100)).toBe(true);
    let inked = 0;
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i]! < 240 || rgba[i + 1]! < 240 || rgba[i + 2]! < 240) inked++;
    expect(inked / (width * height)).toBeGreaterThan(0.1);
  }, 30_000);

  test('webhook deliveries by outcome, alerts received, and the alert queue read from the store', async () => {
    const post = (body: string, token = TOKEN) =>
      fetch(`${h.bot.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body, signal: AbortSignal.timeout(5000) });
    // A real delivery whose alert is not one the bot acts on: accepted, stored, skipped.
    const payload = loadFixture('firing-single') as { alerts: Array<{ labels: Record<string, string>; startsAt: string; endsAt: string; annotations: Record<string, string>; fingerprint: string }> };
    const alert = { ...payload.alerts[0]!, status: 'firing' as const, labels: { ...payload.alerts[0]!.labels, alertname: 'NotOursToHandle' } };
    payload.alerts = [alert];
    expect((await post(JSON.stringify(payload))).status).toBe(200);
    expect((await post(JSON.stringify(payload), 'wrong')).status).toBe(401);
    expect((await post('{}')).status).toBe(400);
    const families = await scrapeMetrics(h.bot.url);
    expect(metricValue(families, 'oom_check_webhook_deliveries_total', { outcome: 'accepted' })).toBe(1);
    expect(metricValue(families, 'oom_check_webhook_deliveries_total', { outcome: 'unauthorized' })).toBe(1);
    expect(metricValue(families, 'oom_check_webhook_deliveries_total', { outcome: 'invalid' })).toBe(1);
    expect(metricValue(families, 'oom_check_alerts_received_total')).toBe(1);

    await h.bot.processAlerts();
    h.bot.alerts.insert([{ ...alert, fingerprint: '0123456789abcdef', alertname: 'NotOursToHandle' }], new Date().toISOString());
    expect(await value('oom_check_alert_queue_depth')).toBe(1);
    await h.bot.processAlerts();
    expect(await value('oom_check_alert_queue_depth')).toBe(0);
  }, 30_000);
});

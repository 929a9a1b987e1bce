import { loadFixture, loadHeadersFixture } from '../support/alertmanager/load-fixture.js';
import { startBotHarness, type BotHarness } from '../slack/bot-harness.js';
import { scrapeValue } from '../support/scrape-metrics.js';

const TOKEN = 's3cret-token';

describe('POST /webhooks/alertmanager', () => {
  let h: BotHarness;
  afterEach(async () => h.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${h.bot.url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers }, body });
  const counts = () => ({
    alerts: (h.bot.checklist.db.prepare('SELECT count(*) AS n FROM alerts').get() as { n: number }).n,
    incidents: h.bot.checklist.incidents.listIncidents().length,
  });

  function alertFor(pod: string, extra: Record<string, string> = {}) {
    const payload = structuredClone(loadFixture('firing-single')) as { alerts: Array<{ labels: Record<string, string>; fingerprint: string }> };
    payload.alerts[0]!.labels = { ...payload.alerts[0]!.labels, alertname: 'KubeInitContainerOOMKilled', pod, container: 'migrate', ...extra };
    return payload;
  }

  test('a real payload with Alertmanager\'s bearer header: persisted, 200, then an incident and its card', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN, SLACK_CHANNEL: 'C0ALERTS' } });
    const { headers } = loadHeadersFixture('bearer');
    const pod = await h.oomKilledPod('checkout-');
    const response = await post(JSON.stringify(alertFor(pod)), { 'user-agent': headers['user-agent'] ?? 'Alertmanager/0.25.0' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'accepted', alerts: 1, new: 1 });
    const card = await h.replica.waitForCall('chat.postMessage', (call) => call.args.thread_ts === undefined, 15_000);
    expect(card.args.channel).toBe('C0ALERTS');
    expect(h.bot.checklist.incidents.listIncidents()[0]).toMatchObject({ trigger: 'alertmanager', owner: { name: 'checkout' } });
    expect((await post(JSON.stringify(alertFor(pod)))).status).toBe(200);
    await h.bot.processAlerts();
    expect(counts()).toEqual({ alerts: 1, incidents: 1 });
  });

  test('basic auth as Alertmanager sends it', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BASIC_AUTH: 'alertmanager:b4sic-p@ss' } });
    const { headers } = loadHeadersFixture('basic');
    expect((await post(JSON.stringify(loadFixture('firing-single')), { authorization: headers.authorization! })).status).toBe(200);
  });

  test.each([
    ['a wrong token', { authorization: 'Bearer nope' }, 401],
    ['no credentials', { authorization: '' }, 401],
    ['basic instead of bearer', { authorization: 'Basic YWxlcnRtYW5hZ2VyOmI0c2ljLXBAc3M=' }, 401],
    ['text/plain', { 'content-type': 'text/plain' }, 415],
  ])('%s: refused with the status that says why, nothing stored', async (_what, headers, status) => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN } });
    const response = await post(JSON.stringify(loadFixture('firing-single')), headers);
    expect(response.status).toBe(status);
    if (status === 401) expect(await response.json()).toEqual({ error: 'unauthorized' });
    expect(counts()).toEqual({ alerts: 0, incidents: 0 });
  });

  test('wrong credentials are counted in /metrics', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN } });
    await post('{}', { authorization: 'Bearer guess-1' });
    await post('{}', { authorization: 'Bearer guess-2' });
    expect(await scrapeValue(h.bot.url, 'oom_check_webhook_deliveries_total', { outcome: 'unauthorized' })).toBe(2);
  });

  test.each([
    ['not JSON', '{"version": "4", ', 400, 'body is not JSON'],
    ['the wrong version', JSON.stringify({ ...(loadFixture('firing-single') as object), version: '3' }), 400, 'version must be "4"'],
    ['no alerts', JSON.stringify({ version: '4', status: 'firing' }), 400, 'alerts is missing'],
    ['alerts not a list', JSON.stringify({ version: '4', status: 'firing', alerts: {} }), 400, 'alerts must be'],
    ['a very long label value', JSON.stringify({ ...(loadFixture('firing-single') as object), alerts: [{ ...(loadFixture('firing-single') as { alerts: object[] }).alerts[0], labels: { alertname: 'x', pod: 'p'.repeat(5000) } }] }), 400, 'labels'],
    ['a 10 MB body', JSON.stringify({ version: '4', padding: 'x'.repeat(10 * 1024 * 1024) }), 413, 'body larger than'],
  ])('%s: refused naming the problem, nothing stored', async (_what, body, status, message) => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN } });
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toContain(message);
    expect(counts()).toEqual({ alerts: 0, incidents: 0 });
  });

  test('label values with quotes, newlines and <script> are data: stored, skipped with an escaped reason', async () => {
    h = await startBotHarness({ env: { ALERTMANAGER_BEARER_TOKEN: TOKEN } });
    const hostile = 'x"; DROP TABLE alerts;--\n<script>alert(1)</script>';
    expect((await post(JSON.stringify(alertFor(hostile)))).status).toBe(200);
    await h.bot.processAlerts();
    const row = h.bot.checklist.db.prepare('SELECT labels, outcome FROM alerts').get() as { labels: string; outcome: string };
    expect(JSON.parse(row.labels).pod).toBe(hostile);
    expect(row.outcome).toContain('skipped: label pod value "x\\"; DROP TABLE alerts;--\\n<script>alert(1)</script>" is not a valid pod name');
    expect(counts()).toEqual({ alerts: 1, incidents: 0 });
  });

  test('without credentials the route is closed (503) unless ALERTMANAGER_INSECURE=true', async () => {
    h = await startBotHarness();
    const closed = await post(JSON.stringify(loadFixture('firing-single')));
    expect(closed.status).toBe(503);
    expect(((await closed.json()) as { error: string }).error).toContain('set ALERTMANAGER_BEARER_TOKEN or ALERTMANAGER_BASIC_AUTH');
    await h.close();
    h = await startBotHarness({ env: { ALERTMANAGER_INSECURE: 'true' } });
    expect((await post(JSON.stringify(loadFixture('firing-single')), { authorization: '' })).status).toBe(200);
  });
});

import { alertKey, DEFAULT_ALERT_LABELS, DEFAULT_ALERT_NAMES, mapAlert } from '../../src/core/alerts/map-alert.js';
import { parseWebhook, type WebhookPayload } from '../../src/core/alerts/parse-webhook.js';
import { loadHeadersFixture } from '../support/alertmanager/load-fixture.js';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager/start-alertmanager.js';
import { startWebhookRecorder, type RecordedRequest, type WebhookRecorder } from '../support/alertmanager/start-webhook-recorder.js';

// The credentials of the captured fixtures, so the headers can be compared with them.
const TOKEN = 's3cret-token';
const BASIC = { username: 'alertmanager', password: 'b4sic-p@ss' };

const namespaceOf = (request: Pick<RecordedRequest, 'body'>): unknown => (request.body as { groupLabels?: { namespace?: unknown } } | null)?.groupLabels?.namespace;
const inNamespace = (namespace: string) => (request: RecordedRequest) => namespaceOf(request) === namespace;

function payloadOf(request: RecordedRequest): WebhookPayload {
  const result = parseWebhook(request.body);
  if (!result.ok) throw new Error(`Alertmanager sent a payload parseWebhook refuses: ${result.problem}\n${request.rawBody}`);
  return result.payload;
}

const oomAlert = (namespace: string, pod: string) => ({
  labels: { alertname: 'KubeInitContainerOOMKilled', namespace, pod, container: 'migrate', severity: 'warning' },
  annotations: { summary: 'Init container was OOMKilled.' },
});

describe('a real Alertmanager posting to a webhook with a bearer token', () => {
  let recorder: WebhookRecorder;
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    recorder = await startWebhookRecorder();
    alertmanager = await startAlertmanager({ webhookUrl: recorder.url, auth: { bearerToken: TOKEN } });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await recorder?.close();
  });

  test('a posted alert arrives, with the token, as a payload the bot accepts', async () => {
    await alertmanager.postAlerts([oomAlert('fire', 'checkout-7d9f8b6c5-x2k4q')]);
    const [request] = await recorder.waitFor(inNamespace('fire'));
    expect(request).toMatchObject({ method: 'POST', path: '/webhooks/alertmanager' });
    expect(request?.headers.authorization).toBe(loadHeadersFixture('bearer').headers.authorization);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(/^Alertmanager\//);

    const payload = payloadOf(request as RecordedRequest);
    expect(payload).toMatchObject({ status: 'firing', receiver: 'bot', groupLabels: { alertname: 'KubeInitContainerOOMKilled', namespace: 'fire' } });
    expect(payload.externalURL).toBe(alertmanager.url);
    const [alert] = payload.alerts;
    expect(alert).toMatchObject({ status: 'firing', endsAt: '0001-01-01T00:00:00Z', labels: oomAlert('fire', 'checkout-7d9f8b6c5-x2k4q').labels });
    expect(
      mapAlert(alert as (typeof payload.alerts)[number], { alertNames: DEFAULT_ALERT_NAMES, labels: { ...DEFAULT_ALERT_LABELS }, allowedNamespaces: [] }),
    ).toEqual({ action: 'open', cluster: null, namespace: 'fire', pod: 'checkout-7d9f8b6c5-x2k4q', container: 'migrate' });
  });

  test('its resolution arrives with status resolved, for the same alert', async () => {
    const alert = oomAlert('resolve', 'web-5f6d7c8b9-h7x2m');
    await alertmanager.postAlerts([alert]);
    const [firingRequest] = await recorder.waitFor(inNamespace('resolve'));
    const [firing] = payloadOf(firingRequest as RecordedRequest).alerts;

    await alertmanager.postAlerts([{ ...alert, startsAt: firing?.startsAt, endsAt: new Date().toISOString() }]);
    const [resolvedRequest] = await recorder.waitFor((request) => inNamespace('resolve')(request) && payloadOf(request).status === 'resolved');
    const payload = payloadOf(resolvedRequest as RecordedRequest);
    const [resolved] = payload.alerts;
    expect(payload.alerts).toHaveLength(1);
    expect(resolved).toMatchObject({ status: 'resolved', fingerprint: firing?.fingerprint, startsAt: firing?.startsAt, labels: alert.labels });
    expect(resolved?.endsAt).not.toBe('0001-01-01T00:00:00Z');
    // Same alert, new state: a new idempotency key, differing only by the status.
    expect(alertKey(resolved as NonNullable<typeof resolved>)).toBe(alertKey({ ...(firing as NonNullable<typeof firing>), status: 'resolved' }));
  });

  test('a receiver that answers 500 once gets the same payload again', async () => {
    let answered500 = false;
    recorder.answer = (request) => {
      if (namespaceOf(request) !== 'retry' || answered500) return 200;
      answered500 = true;
      return 500;
    };
    await alertmanager.postAlerts([oomAlert('retry', 'api-6b7c9d8f4-qwert')]);
    const [first, second] = await recorder.waitFor(inNamespace('retry'), { count: 2 });
    expect([first?.answeredWith, second?.answeredWith]).toEqual([500, 200]);
    // Byte for byte the same delivery: the bot must treat it as a duplicate.
    expect(second?.rawBody).toBe(first?.rawBody);
    expect(payloadOf(second as RecordedRequest).alerts.map(alertKey)).toEqual(payloadOf(first as RecordedRequest).alerts.map(alertKey));
    expect(second?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('a real Alertmanager with basic auth and a short group_wait', () => {
  let recorder: WebhookRecorder;
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    recorder = await startWebhookRecorder();
    alertmanager = await startAlertmanager({ webhookUrl: recorder.url, auth: { basicAuth: BASIC }, groupWait: '300ms' });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await recorder?.close();
  });

  test('three pods posted together arrive in one webhook, with the basic auth header', async () => {
    const pods = ['web-5f6d7c8b9-h7x2m', 'web-5f6d7c8b9-k9p4z', 'web-5f6d7c8b9-t3n8q'];
    // No startsAt: group_wait counts from it, so Alertmanager's own receive time lets the group wait.
    await alertmanager.postAlerts(pods.map((pod) => oomAlert('grouped', pod)));
    const [request] = await recorder.waitFor(inNamespace('grouped'));
    expect(request?.headers.authorization).toBe(loadHeadersFixture('basic').headers.authorization);
    const payload = payloadOf(request as RecordedRequest);
    expect(payload.alerts.map((alert) => alert.labels.pod).sort()).toEqual(pods);
    expect(payload.commonLabels.pod).toBeUndefined();
    expect(new Set(payload.alerts.map((alert) => alert.fingerprint)).size).toBe(3);
  });
});

test('the harness names the Debian package when the binary is missing', async () => {
  await expect(startAlertmanager({ webhookUrl: 'http://127.0.0.1:9/', binary: '/nonexistent/prometheus-alertmanager' })).rejects.toThrow(
    '/nonexistent/prometheus-alertmanager is missing: install the Debian package prometheus-alertmanager',
  );
});

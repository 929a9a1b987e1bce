import { parseWebhook, WEBHOOK_LIMITS, type WebhookPayload } from '../../src/core/alerts/parse-webhook.js';
import { loadFixture, type PayloadFixture } from '../support/alertmanager/load-fixture.js';

type Json = Record<string, unknown>;

/** firing-single.json with its first alert's fields replaced (undefined deletes a field). */
function withAlert(patch: Json): Json {
  const body = loadFixture('firing-single') as Json & { alerts: Json[] };
  const alert = { ...body.alerts[0], ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete alert[key];
  return { ...body, alerts: [alert] };
}

/** firing-single.json with top-level fields replaced (undefined deletes a field). */
function withTop(patch: Json): Json {
  const body: Json = { ...(loadFixture('firing-single') as Json), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete body[key];
  return body;
}

function withAlerts(count: number): Json {
  const body = loadFixture('firing-single') as Json & { alerts: Json[] };
  const [alert] = body.alerts;
  return { ...body, alerts: Array.from({ length: count }, (_, i) => ({ ...alert, fingerprint: i.toString(16).padStart(16, '0') })) };
}

function labels(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`label_${i}`, 'x']));
}

function accepted(body: unknown): WebhookPayload {
  const result = parseWebhook(body);
  if (!result.ok) throw new Error(`expected the payload to be accepted, got: ${result.problem}`);
  return result.payload;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

describe('real Alertmanager 0.25 payloads', () => {
  test.each<[PayloadFixture, 'firing' | 'resolved', number]>([
    ['firing-single', 'firing', 1],
    ['resolved-single', 'resolved', 1],
    ['firing-grouped-3-pods', 'firing', 3],
    ['resolved-grouped-3-pods', 'resolved', 3],
    ['firing-same-pod-3-containers', 'firing', 3],
  ])('%s is accepted unchanged', (name, status, count) => {
    const payload = accepted(loadFixture(name));
    expect(payload).toEqual(loadFixture(name));
    expect(payload.status).toBe(status);
    expect(payload.alerts).toHaveLength(count);
    expect(payload.alerts.every((alert) => alert.status === status)).toBe(true);
  });

  test('firing alerts keep the zero endsAt and startsAt with nanoseconds, as sent', () => {
    const [alert] = accepted(loadFixture('firing-single')).alerts;
    expect(alert?.startsAt).toBe('2026-11-27T21:57:16.311262194Z');
    expect(alert?.endsAt).toBe(ZERO_TIME);
  });

  test('resolved alerts carry their end time', () => {
    const [alert] = accepted(loadFixture('resolved-single')).alerts;
    expect(alert?.startsAt).toBe('2026-11-27T21:57:16.311262194Z');
    expect(alert?.endsAt).toBe('2026-11-27T21:57:16.796Z');
  });

  test('a grouped payload keeps each pod apart and the group labels', () => {
    const payload = accepted(loadFixture('firing-grouped-3-pods'));
    expect(payload.alerts.map((alert) => alert.labels.pod)).toEqual(['web-5f6d7c8b9-h7x2m', 'web-5f6d7c8b9-k9p4z', 'web-5f6d7c8b9-t3n8q']);
    expect(payload.groupLabels).toEqual({ alertname: 'KubeContainerOOMKilled', namespace: 'shop' });
    expect(payload.commonLabels.pod).toBeUndefined();
    expect(payload.groupKey).toBe('{}:{alertname="KubeContainerOOMKilled", namespace="shop"}');
  });

  test('a multi-container payload keeps one alert per container of the same pod', () => {
    const payload = accepted(loadFixture('firing-same-pod-3-containers'));
    expect(new Set(payload.alerts.map((alert) => alert.labels.pod))).toEqual(new Set(['api-6b7c9d8f4-qwert']));
    expect(payload.alerts.map((alert) => alert.labels.container)).toEqual(['app', 'istio-proxy', 'log-shipper']);
  });
});

describe('bad payloads are refused, naming the field', () => {
  const long = 'x'.repeat(WEBHOOK_LIMITS.maxValueLength + 1);
  test.each<[string, unknown, string]>([
    ['null', null, 'payload must be a JSON object'],
    ['a string', '{"version":"4"}', 'payload must be a JSON object'],
    ['a number', 42, 'payload must be a JSON object'],
    ['an array', [loadFixture('firing-single')], 'payload must be a JSON object'],
    ['no version', withTop({ version: undefined }), 'version is missing'],
    ['version as a number', withTop({ version: 4 }), 'version must be "4"'],
    ['version 3', withTop({ version: '3' }), 'version must be "4"'],
    ['no status', withTop({ status: undefined }), 'status is missing'],
    ['status pending', withTop({ status: 'pending' }), 'status must be "firing" or "resolved"'],
    ['no alerts', withTop({ alerts: undefined }), 'alerts is missing'],
    ['alerts null', withTop({ alerts: null }), 'alerts must be an array'],
    ['alerts an object', withTop({ alerts: {} }), 'alerts must be an array'],
    ['alerts a string', withTop({ alerts: 'all of them' }), 'alerts must be an array'],
    ['too many alerts', withAlerts(WEBHOOK_LIMITS.maxAlerts + 1), 'alerts must have at most 1000 entries, got 1001'],
    ['an alert that is not an object', withTop({ alerts: [null] }), 'alerts[0] must be an object'],
    ['alert status missing', withAlert({ status: undefined }), 'alerts[0].status is missing'],
    ['alert status unknown', withAlert({ status: 'suppressed' }), 'alerts[0].status must be "firing" or "resolved"'],
    ['labels missing', withAlert({ labels: undefined }), 'alerts[0].labels is missing'],
    ['labels a string', withAlert({ labels: 'pod=x' }), 'alerts[0].labels must be an object of strings'],
    ['labels an array', withAlert({ labels: [['pod', 'x']] }), 'alerts[0].labels must be an object of strings'],
    ['a label value that is a number', withAlert({ labels: { pod: 7 } }), 'alerts[0].labels.pod must be a string'],
    ['a label value that is null', withAlert({ labels: { pod: null } }), 'alerts[0].labels.pod must be a string'],
    ['a label value that is an object', withAlert({ labels: { pod: { name: 'x' } } }), 'alerts[0].labels.pod must be a string'],
    ['a label value too long', withAlert({ labels: { pod: long } }), 'alerts[0].labels.pod must be at most 4096 characters, got 4097'],
    [
      'a long value under an unusual label name',
      withAlert({ labels: { 'app.kubernetes.io/name': long } }),
      'alerts[0].labels["app.kubernetes.io/name"] must be at most 4096 characters, got 4097',
    ],
    ['a label name too long', withAlert({ labels: { [long]: 'x' } }), 'alerts[0].labels has a name of 4097 characters; names must be at most 4096'],
    ['an empty label name', withAlert({ labels: { '': 'x' } }), 'alerts[0].labels has an empty name'],
    ['too many labels', withAlert({ labels: labels(WEBHOOK_LIMITS.maxLabels + 1) }), 'alerts[0].labels must have at most 100 entries, got 101'],
    ['annotations a string', withAlert({ annotations: 'summary' }), 'alerts[0].annotations must be an object of strings'],
    [
      'an annotation too long',
      withAlert({ annotations: { description: 'y'.repeat(100_000) } }),
      'alerts[0].annotations.description must be at most 4096 characters, got 100000',
    ],
    ['startsAt missing', withAlert({ startsAt: undefined }), 'alerts[0].startsAt is missing'],
    ['startsAt words', withAlert({ startsAt: 'yesterday' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt a number', withAlert({ startsAt: 1_795_903_036 }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt without a zone', withAlert({ startsAt: '2026-11-27T21:57:16' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt with a space', withAlert({ startsAt: '2026-11-27 21:57:16Z' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt on 30 February', withAlert({ startsAt: '2026-02-30T00:00:00Z' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt on 29 February of a common year', withAlert({ startsAt: '2026-02-29T00:00:00Z' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt at 24:00', withAlert({ startsAt: '2026-11-27T24:00:00Z' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['startsAt with 10 fraction digits', withAlert({ startsAt: '2026-11-27T21:57:16.3112621941Z' }), 'alerts[0].startsAt must be an RFC 3339 time'],
    ['endsAt missing', withAlert({ endsAt: undefined }), 'alerts[0].endsAt is missing'],
    ['endsAt empty', withAlert({ endsAt: '' }), 'alerts[0].endsAt must be an RFC 3339 time'],
    ['generatorURL a number', withAlert({ generatorURL: 9090 }), 'alerts[0].generatorURL must be a string'],
    ['fingerprint missing', withAlert({ fingerprint: undefined }), 'alerts[0].fingerprint is missing'],
    ['fingerprint too short', withAlert({ fingerprint: 'f8f14f9b718efc8' }), 'alerts[0].fingerprint must be 16 hex characters'],
    ['fingerprint too long', withAlert({ fingerprint: 'f8f14f9b718efc880' }), 'alerts[0].fingerprint must be 16 hex characters'],
    ['fingerprint not hex', withAlert({ fingerprint: 'f8f14f9b718efcxx' }), 'alerts[0].fingerprint must be 16 hex characters'],
    ['fingerprint a number', withAlert({ fingerprint: 1234567890123456 }), 'alerts[0].fingerprint must be 16 hex characters'],
    ['truncatedAlerts negative', withTop({ truncatedAlerts: -1 }), 'truncatedAlerts must be a whole number, 0 or more'],
    ['truncatedAlerts a string', withTop({ truncatedAlerts: '0' }), 'truncatedAlerts must be a whole number, 0 or more'],
    ['groupLabels with a number', withTop({ groupLabels: { alertname: 1 } }), 'groupLabels.alertname must be a string'],
    ['commonLabels a list', withTop({ commonLabels: ['pod'] }), 'commonLabels must be an object of strings'],
    ['receiver an object', withTop({ receiver: { name: 'bot' } }), 'receiver must be a string'],
    ['externalURL too long', withTop({ externalURL: 'h'.repeat(WEBHOOK_LIMITS.maxTextLength + 1) }), 'externalURL must be at most 65536 characters, got 65537'],
  ])('%s', (_name, body, problem) => {
    expect(parseWebhook(body)).toEqual({ ok: false, problem });
  });

  test('the first wrong alert is named, by its index', () => {
    const body = withAlerts(5) as Json & { alerts: Json[] };
    body.alerts[3] = { ...body.alerts[3], labels: 'oops' };
    body.alerts[4] = { ...body.alerts[4], fingerprint: 'no' };
    expect(parseWebhook(body)).toEqual({ ok: false, problem: 'alerts[3].labels must be an object of strings' });
  });

  test('a problem never carries the offending value', () => {
    const result = parseWebhook(withAlert({ labels: { pod: `<script>alert(1)</script>${'x'.repeat(5000)}` } }));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('<script>');
  });

  test('a label name that is not an identifier is quoted and shortened in the problem', () => {
    const name = `weird "name"\n${'n'.repeat(100)}`;
    const result = parseWebhook(withAlert({ labels: { [name]: 5 } }));
    expect(result).toEqual({ ok: false, problem: `alerts[0].labels[${JSON.stringify(`${name.slice(0, 64)}…`)}] must be a string` });
    expect(result.ok || result.problem.includes('\n')).toBe(false);
  });
});

describe('what is accepted', () => {
  test.each([
    ['quotes', 'checkout-"7d9f8"'],
    ['a newline', 'line one\nline two'],
    ['markup', '<script>alert("pwned")</script>'],
    ['template syntax', '{{ .Labels.pod }} ${process.env.HOME}'],
    ['a NUL and other control characters', 'a\u0000b\u001bc'],
    ['non-ASCII text', 'Größe überschritten — メモリ 🐘'],
    ['an empty string', ''],
    ['exactly the longest value', 'v'.repeat(WEBHOOK_LIMITS.maxValueLength)],
  ])('a label value with %s is data, kept exactly', (_name, value) => {
    const payload = accepted(withAlert({ labels: { pod: value, alertname: 'KubeContainerOOMKilled' }, annotations: { description: value } }));
    expect(payload.alerts[0]?.labels.pod).toBe(value);
    expect(payload.alerts[0]?.annotations.description).toBe(value);
  });

  test('labels named __proto__ and constructor stay plain labels', () => {
    const body = JSON.parse(
      '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"__proto__":{"polluted":"yes"}},"startsAt":"2026-11-27T21:57:16Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f8f14f9b718efc88"}]}',
    ) as unknown;
    expect(parseWebhook(body)).toEqual({ ok: false, problem: 'alerts[0].labels.__proto__ must be a string' });

    const ok = accepted(
      JSON.parse(
        '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"__proto__":"p","constructor":"c"},"startsAt":"2026-11-27T21:57:16Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f8f14f9b718efc88"}]}',
      ),
    );
    const alertLabels = ok.alerts[0]?.labels ?? {};
    expect(Object.getPrototypeOf(alertLabels)).toBe(Object.prototype);
    expect(Object.keys(alertLabels)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(alertLabels, '__proto__')?.value).toBe('p');
    expect(({} as Json).polluted).toBeUndefined();
  });

  test.each([
    ['nanoseconds', '2026-11-27T21:57:18.612492505Z'],
    ['milliseconds', '2026-11-27T21:57:16.796Z'],
    ['no fraction', '2026-11-27T21:57:16Z'],
    ['an offset', '2026-11-27T22:57:16.5+01:00'],
    ['lower-case t and z', '2026-11-27t21:57:16z'],
    ['a leap day', '2024-02-29T12:00:00Z'],
    ["Go's zero time", ZERO_TIME],
  ])('startsAt with %s', (_name, startsAt) => {
    expect(accepted(withAlert({ startsAt })).alerts[0]?.startsAt).toBe(startsAt);
  });

  test('exactly the largest payload: 1000 alerts, 100 labels each', () => {
    const body = withAlerts(WEBHOOK_LIMITS.maxAlerts) as Json & { alerts: Json[] };
    body.alerts = body.alerts.map((alert) => ({ ...alert, labels: labels(WEBHOOK_LIMITS.maxLabels) }));
    expect(accepted(body).alerts).toHaveLength(1000);
  });

  test('an empty alerts list', () => {
    expect(accepted(withTop({ alerts: [] })).alerts).toEqual([]);
  });

  test('unknown fields are ignored; descriptive fields may be missing', () => {
    const payload = accepted({
      version: '4',
      status: 'firing',
      somethingNew: { from: 'a later Alertmanager' },
      alerts: [{ status: 'firing', labels: { pod: 'p' }, startsAt: '2026-11-27T21:57:16Z', endsAt: ZERO_TIME, fingerprint: 'f8f14f9b718efc88', extra: 1 }],
    });
    expect(payload).toEqual({
      version: '4',
      status: 'firing',
      receiver: '',
      groupKey: '',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: '',
      truncatedAlerts: 0,
      alerts: [{ status: 'firing', labels: { pod: 'p' }, annotations: {}, startsAt: '2026-11-27T21:57:16Z', endsAt: ZERO_TIME, generatorURL: '', fingerprint: 'f8f14f9b718efc88' }],
    });
  });

  test('an upper-case fingerprint is accepted and lower-cased, so the idempotency key does not depend on case', () => {
    expect(accepted(withAlert({ fingerprint: 'F8F14F9B718EFC88' })).alerts[0]?.fingerprint).toBe('f8f14f9b718efc88');
  });

  test('a truncated payload reports how many alerts were left out', () => {
    expect(accepted(withTop({ truncatedAlerts: 12 })).truncatedAlerts).toBe(12);
  });
});

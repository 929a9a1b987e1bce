import { alertKey, DEFAULT_ALERT_LABELS, DEFAULT_ALERT_NAMES, mapAlert, type AlertMapping, type MapAlertOptions } from '../../src/core/alerts/map-alert.js';
import { parseWebhook, type WebhookAlert, type WebhookPayload } from '../../src/core/alerts/parse-webhook.js';
import { loadFixture, type PayloadFixture } from '../support/alertmanager/load-fixture.js';

const options: MapAlertOptions = { alertNames: DEFAULT_ALERT_NAMES, labels: { ...DEFAULT_ALERT_LABELS }, allowedNamespaces: [] };

function payload(name: PayloadFixture): WebhookPayload {
  const result = parseWebhook(loadFixture(name));
  if (!result.ok) throw new Error(`fixture ${name} was refused: ${result.problem}`);
  return result.payload;
}

const oom = (labels: Record<string, string>) => ({ labels: { alertname: 'KubeInitContainerOOMKilled', ...labels } });
const shopPod = { namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2k4q', container: 'migrate' };

describe('the real fixtures', () => {
  test('a single firing alert opens its pod and container', () => {
    expect(payload('firing-single').alerts.map((alert) => mapAlert(alert, options))).toEqual([
      { action: 'open', cluster: null, namespace: 'shop', pod: 'checkout-7d9f8b6c5-x2k4q', container: 'checkout' },
    ]);
  });

  test('its resolution maps to the same pod (the caller looks at the status)', () => {
    const [firing] = payload('firing-single').alerts;
    const [resolved] = payload('resolved-single').alerts;
    expect(resolved?.status).toBe('resolved');
    expect(mapAlert(resolved as WebhookAlert, options)).toEqual(mapAlert(firing as WebhookAlert, options));
  });

  test.each<PayloadFixture>(['firing-grouped-3-pods', 'resolved-grouped-3-pods'])('%s: one mapping per pod', (name) => {
    expect(payload(name).alerts.map((alert) => mapAlert(alert, options))).toEqual(
      ['web-5f6d7c8b9-h7x2m', 'web-5f6d7c8b9-k9p4z', 'web-5f6d7c8b9-t3n8q'].map((pod) => ({ action: 'open', cluster: null, namespace: 'shop', pod, container: 'web' })),
    );
  });

  test('KubePodCrashLooping (three containers of one pod) is skipped by the default allow-list', () => {
    const mappings = payload('firing-same-pod-3-containers').alerts.map((alert) => mapAlert(alert, options));
    expect(mappings).toEqual(
      Array(3).fill({
        action: 'skip',
        reason: 'alert name "KubePodCrashLooping" is not in the allow-list (KubeInitContainerOOMKilled, KubeContainerOOMKilled)',
      }),
    );
  });

  test('with KubePodCrashLooping allowed, the three containers map to the same pod', () => {
    const allowAll = { ...options, alertNames: [...DEFAULT_ALERT_NAMES, 'KubePodCrashLooping'] };
    expect(payload('firing-same-pod-3-containers').alerts.map((alert) => mapAlert(alert, allowAll))).toEqual(
      ['app', 'istio-proxy', 'log-shipper'].map((container) => ({ action: 'open', cluster: null, namespace: 'shop', pod: 'api-6b7c9d8f4-qwert', container })),
    );
  });

  test('the namespace allow-list applies to the fixtures', () => {
    const billingOnly = { ...options, allowedNamespaces: ['billing', 'payments'] };
    expect(mapAlert(payload('firing-single').alerts[0] as WebhookAlert, billingOnly)).toEqual({
      action: 'skip',
      reason: 'namespace shop is outside the allow-list OOM_CHECK_NAMESPACES (billing, payments)',
    });
  });
});

describe('mapping rules', () => {
  test.each<[string, { labels: Record<string, string> }, Partial<MapAlertOptions>, AlertMapping]>([
    ['init-container alert', oom(shopPod), {}, { action: 'open', cluster: null, ...shopPod }],
    ['a cluster label names the cluster', oom({ ...shopPod, cluster: 'b' }), {}, { action: 'open', cluster: 'b', ...shopPod }],
    ['the cluster label renamed', oom({ ...shopPod, cluster: 'x', k8s_cluster: 'b' }), { labels: { ...DEFAULT_ALERT_LABELS, cluster: 'k8s_cluster' } }, { action: 'open', cluster: 'b', ...shopPod }],
    ['the cluster label not read (one cluster, OOM_CHECK_CLUSTERS unset)', oom({ ...shopPod, cluster: 'b' }), { labels: { ...DEFAULT_ALERT_LABELS, cluster: null } }, { action: 'open', cluster: null, ...shopPod }],
    ['app-container alert', { labels: { ...shopPod, alertname: 'KubeContainerOOMKilled' } }, {}, { action: 'open', cluster: null, ...shopPod }],
    ['no container label', oom({ namespace: 'shop', pod: 'p-1' }), {}, { action: 'open', cluster: null, namespace: 'shop', pod: 'p-1', container: null }],
    ['empty container label', oom({ namespace: 'shop', pod: 'p-1', container: '' }), {}, { action: 'open', cluster: null, namespace: 'shop', pod: 'p-1', container: null }],
    ['a pod name with dots (a DNS-1123 subdomain)', oom({ namespace: 'shop', pod: 'web.v2-0' }), {}, { action: 'open', cluster: null, namespace: 'shop', pod: 'web.v2-0', container: null }],
    ['namespace in the allow-list', oom(shopPod), { allowedNamespaces: ['billing', 'shop'] }, { action: 'open', cluster: null, ...shopPod }],
    [
      'labels renamed (exported_* after a federation)',
      oom({ exported_namespace: 'shop', exported_pod: 'p-1', exported_container: 'c', namespace: 'monitoring', pod: 'ksm-0' }),
      { labels: { namespace: 'exported_namespace', pod: 'exported_pod', container: 'exported_container', cluster: 'cluster' } },
      { action: 'open', cluster: null, namespace: 'shop', pod: 'p-1', container: 'c' },
    ],
    ['no alertname', { labels: shopPod }, {}, { action: 'skip', reason: 'the alert has no alertname label' }],
    [
      'alert name not in the allow-list',
      { labels: { ...shopPod, alertname: 'KubePodNotReady' } },
      {},
      { action: 'skip', reason: 'alert name "KubePodNotReady" is not in the allow-list (KubeInitContainerOOMKilled, KubeContainerOOMKilled)' },
    ],
    [
      'alert name differing in case',
      { labels: { ...shopPod, alertname: 'kubeinitcontaineroomkilled' } },
      {},
      { action: 'skip', reason: 'alert name "kubeinitcontaineroomkilled" is not in the allow-list (KubeInitContainerOOMKilled, KubeContainerOOMKilled)' },
    ],
    ['no pod label (a node-level alert)', oom({ namespace: 'shop' }), {}, { action: 'skip', reason: 'the alert has no pod label (pod)' }],
    ['empty pod label', oom({ namespace: 'shop', pod: '' }), {}, { action: 'skip', reason: 'the alert has no pod label (pod)' }],
    ['no namespace label', oom({ pod: 'p-1' }), {}, { action: 'skip', reason: 'the alert has no namespace label (namespace)' }],
    [
      'renamed pod label missing',
      oom(shopPod),
      { labels: { namespace: 'namespace', pod: 'exported_pod', container: 'container', cluster: 'cluster' } },
      { action: 'skip', reason: 'the alert has no pod label (exported_pod)' },
    ],
    [
      'a pod label named like an Object.prototype member',
      oom(shopPod),
      { labels: { namespace: 'namespace', pod: 'constructor', container: 'toString', cluster: 'cluster' } },
      { action: 'skip', reason: 'the alert has no pod label (constructor)' },
    ],
    [
      'namespace outside the allow-list',
      oom(shopPod),
      { allowedNamespaces: ['billing'] },
      { action: 'skip', reason: 'namespace shop is outside the allow-list OOM_CHECK_NAMESPACES (billing)' },
    ],
  ])('%s', (_name, alert, overrides, expected) => {
    expect(mapAlert(alert, { ...options, ...overrides })).toEqual(expected);
  });
});

describe('label values that are not Kubernetes names are skipped, saying which label', () => {
  const labelRule = '(a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters)';
  const podRule = `(a DNS-1123 subdomain: lower-case letters, digits and "-" or ".", at most 253 characters)`;
  test.each<[string, Record<string, string>, string]>([
    ['namespace with capitals', { ...shopPod, namespace: 'Shop' }, `label namespace value "Shop" is not a valid namespace name ${labelRule}`],
    ['namespace of 64 characters', { ...shopPod, namespace: 'n'.repeat(64) }, `label namespace value "${'n'.repeat(64)}" is not a valid namespace name ${labelRule}`],
    ['namespace with a dot', { ...shopPod, namespace: 'shop.eu' }, `label namespace value "shop.eu" is not a valid namespace name ${labelRule}`],
    ['pod with quotes', { ...shopPod, pod: 'checkout-"x"' }, `label pod value "checkout-\\"x\\"" is not a valid pod name ${podRule}`],
    ['pod with a newline', { ...shopPod, pod: 'checkout\nrm -rf /' }, `label pod value "checkout\\nrm -rf /" is not a valid pod name ${podRule}`],
    ['pod ending in a dash', { ...shopPod, pod: 'checkout-' }, `label pod value "checkout-" is not a valid pod name ${podRule}`],
    ['pod of 254 characters', { ...shopPod, pod: 'p'.repeat(254) }, `label pod value "${'p'.repeat(80)}…" is not a valid pod name ${podRule}`],
    [
      'container with markup',
      { ...shopPod, container: '<script>alert(1)</script>' },
      `label container value "<script>alert(1)</script>" is not a valid container name ${labelRule}`,
    ],
    ['container with a path', { ...shopPod, container: '../etc/passwd' }, `label container value "../etc/passwd" is not a valid container name ${labelRule}`],
  ])('%s', (_name, labels, reason) => {
    expect(mapAlert(oom(labels), options)).toEqual({ action: 'skip', reason });
  });

  test('reasons are one line and never longer than a short quote of the value', () => {
    const mapping = mapAlert(oom({ ...shopPod, pod: `x\n${'y'.repeat(4000)}` }), options);
    expect(mapping.action).toBe('skip');
    if (mapping.action === 'skip') {
      expect(mapping.reason).not.toContain('\n');
      expect(mapping.reason.length).toBeLessThan(300);
    }
  });

  test('names are checked before the allow-list, so an odd namespace is never echoed raw', () => {
    expect(mapAlert(oom({ ...shopPod, namespace: 'a"b' }), { ...options, allowedNamespaces: ['shop'] })).toEqual({
      action: 'skip',
      reason: `label namespace value "a\\"b" is not a valid namespace name ${labelRule}`,
    });
  });
});

describe('alertKey, the idempotency key', () => {
  test('fingerprint, startsAt with its nanoseconds, and status', () => {
    expect(alertKey(payload('firing-single').alerts[0] as WebhookAlert)).toBe('f8f14f9b718efc88|2026-11-27T21:57:16.311262194Z|firing');
    expect(alertKey(payload('resolved-single').alerts[0] as WebhookAlert)).toBe('f8f14f9b718efc88|2026-11-27T21:57:16.311262194Z|resolved');
  });

  test('a re-sent payload gives the same keys; its resolution gives new ones', () => {
    const firing = payload('firing-grouped-3-pods').alerts.map(alertKey);
    expect(payload('firing-grouped-3-pods').alerts.map(alertKey)).toEqual(firing);
    const resolved = payload('resolved-grouped-3-pods').alerts.map(alertKey);
    expect(new Set([...firing, ...resolved]).size).toBe(6);
  });

  test('the same alert firing again later (new startsAt) is a new key', () => {
    const [alert] = payload('firing-single').alerts as [WebhookAlert];
    expect(alertKey({ ...alert, startsAt: '2026-11-28T08:00:00Z' })).not.toBe(alertKey(alert));
  });
});

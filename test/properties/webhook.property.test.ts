import fc from 'fast-check';
import { parseWebhook, WEBHOOK_LIMITS, type WebhookPayload } from '../../src/core/alerts/parse-webhook.js';
import { loadFixture } from '../support/alertmanager/load-fixture.js';
import { mutationOf, trickyKey } from './mutate.js';
import { anyText, runs } from './settings.js';

const labelSet = fc.dictionary(fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/), trickyKey.filter((key) => key !== '')), anyText(40), { maxKeys: 6 });

const time = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.tuple(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.stringMatching(/^\d{1,9}$/), fc.constantFrom('Z', '+02:00', '-05:30'))
    .map(([date, fraction, zone]) => `${date.toISOString().slice(0, 19)}.${fraction}${zone}`),
  fc.constant('0001-01-01T00:00:00Z'),
);

const status = fc.constantFrom('firing' as const, 'resolved' as const);

const alert = fc.record({
  status,
  labels: labelSet,
  annotations: labelSet,
  startsAt: time,
  endsAt: time,
  generatorURL: anyText(60),
  fingerprint: fc.stringMatching(/^[0-9a-f]{16}$/),
});

/** Payloads Alertmanager could send, every field present, with hostile strings and keys. */
const payload: fc.Arbitrary<WebhookPayload> = fc.record({
  version: fc.constant('4' as const),
  status,
  receiver: anyText(20),
  groupKey: anyText(40),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: anyText(30),
  truncatedAlerts: fc.nat(),
  alerts: fc.array(alert, { maxLength: 4 }),
});

const FIELD = /^(payload|version|status|alerts(\[\d+\](\.\w+|\[".*"\])*)?|truncatedAlerts|receiver|groupKey|groupLabels|commonLabels|commonAnnotations|externalURL)\b/;

describe('Alertmanager webhook payloads', () => {
  test('every valid payload is accepted as sent', () => {
    fc.assert(
      fc.property(payload, (body) => {
        expect(parseWebhook(body)).toEqual({ ok: true, payload: body });
      }),
      runs(150),
    );
  });

  test('descriptive fields may be missing and are defaulted', () => {
    fc.assert(
      fc.property(payload, fc.subarray(['receiver', 'groupKey', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'truncatedAlerts'] as const), (body, missing) => {
        const sent: Record<string, unknown> = { ...body };
        for (const key of missing) delete sent[key];
        const result = parseWebhook(sent);
        expect(result.ok).toBe(true);
        if (result.ok) for (const key of missing) expect(result.payload[key]).toEqual(typeof body[key] === 'number' ? 0 : typeof body[key] === 'string' ? '' : {});
      }),
      runs(200),
    );
  });

  test('anything at all is answered ok or with a problem, never an exception', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBoxedValues: true, withTypedArray: true, withSparseArray: true, withBigInt: true }), (body) => {
        const result = parseWebhook(body);
        expect(typeof result.ok).toBe('boolean');
      }),
      runs(300),
    );
  });

  test('one wrong field in a real payload: a short problem naming the field, never a value', () => {
    const real = loadFixture('firing-grouped-3-pods');
    fc.assert(
      fc.property(mutationOf(real, fc.oneof(fc.jsonValue({ maxDepth: 2 }), anyText(40).map((text) => `VALUE-${text}`))), ({ value }) => {
        const result = parseWebhook(value);
        if (result.ok) {
          expect(result.payload.alerts.length).toBeLessThanOrEqual(WEBHOOK_LIMITS.maxAlerts);
          for (const each of result.payload.alerts) expect(each.fingerprint).toMatch(/^[0-9a-f]{16}$/);
          return;
        }
        expect(result.problem).toMatch(FIELD);
        expect(result.problem.length).toBeLessThanOrEqual(300);
        expect(result.problem).not.toContain('VALUE-');
      }),
      runs(250),
    );
  });
});

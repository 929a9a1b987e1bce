/**
 * Validation of an Alertmanager webhook payload, version 4 (what Alertmanager 0.25+ posts to a
 * `webhook_configs` receiver). Pure: the caller reads and JSON-parses the body.
 *
 * Fields the bot relies on are required: `version`, `status`, `alerts`, and in each alert `status`,
 * `labels`, `startsAt`, `endsAt`, `fingerprint`. Descriptive fields (`receiver`, `groupKey`,
 * `groupLabels`, `commonLabels`, `commonAnnotations`, `externalURL`, `truncatedAlerts`, an alert's
 * `annotations` and `generatorURL`) may be missing and are then defaulted, but must have the right
 * type when present. Unknown fields are ignored. Strings are kept exactly as sent: a label value
 * with quotes, newlines or markup is data, never interpreted here.
 */

export type AlertStatus = 'firing' | 'resolved';

export interface WebhookAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 as sent, possibly with nanoseconds: kept as a string so the idempotency key is exact. */
  startsAt: string;
  /** `0001-01-01T00:00:00Z` while firing. */
  endsAt: string;
  generatorURL: string;
  /** 16 lower-case hex characters. */
  fingerprint: string;
}

export interface WebhookPayload {
  version: '4';
  status: AlertStatus;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  /** Alerts left out by the receiver's `max_alerts`. */
  truncatedAlerts: number;
  alerts: WebhookAlert[];
}

export type ParseWebhookResult = { ok: true; payload: WebhookPayload } | { ok: false; problem: string };

export const WEBHOOK_LIMITS = {
  maxAlerts: 1000,
  /** Per label set: an alert's labels, its annotations, and the group's common sets. */
  maxLabels: 100,
  /** Label and annotation names and values. */
  maxValueLength: 4096,
  /** Other strings: generatorURL (it carries the rule's expression), groupKey, receiver, externalURL. */
  maxTextLength: 65_536,
} as const;

const FINGERPRINT = /^[0-9a-fA-F]{16}$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Thrown inside this module only, to stop at the first problem; never escapes parseWebhook. */
class Problem extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: `constructor` or `__proto__` in a payload never reach Object.prototype. */
function field(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function required(object: Json, key: string, at: string): unknown {
  const value = field(object, key);
  if (value === undefined) throw new Problem(`${at} is missing`);
  return value;
}

function text(value: unknown, at: string, max: number): string {
  if (typeof value !== 'string') throw new Problem(`${at} must be a string`);
  if (value.length > max) throw new Problem(`${at} must be at most ${max} characters, got ${value.length}`);
  return value;
}

function optionalText(object: Json, key: string, at: string): string {
  const value = field(object, key);
  return value === undefined ? '' : text(value, at, WEBHOOK_LIMITS.maxTextLength);
}

function status(value: unknown, at: string): AlertStatus {
  if (value !== 'firing' && value !== 'resolved') throw new Problem(`${at} must be "firing" or "resolved"`);
  return value;
}

/** `.pod` for ordinary names, `["weird name"]` (quoted, cut at 64 characters) for the rest. */
function member(at: string, key: string): string {
  if (IDENTIFIER.test(key) && key.length <= 64) return `${at}.${key}`;
  return `${at}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}

function labelSet(value: unknown, at: string): Record<string, string> {
  if (!isObject(value)) throw new Problem(`${at} must be an object of strings`);
  const entries = Object.entries(value);
  if (entries.length > WEBHOOK_LIMITS.maxLabels) {
    throw new Problem(`${at} must have at most ${WEBHOOK_LIMITS.maxLabels} entries, got ${entries.length}`);
  }
  for (const [name, entry] of entries) {
    if (name === '') throw new Problem(`${at} has an empty name`);
    if (name.length > WEBHOOK_LIMITS.maxValueLength) {
      throw new Problem(`${at} has a name of ${name.length} characters; names must be at most ${WEBHOOK_LIMITS.maxValueLength}`);
    }
    text(entry, member(at, name), WEBHOOK_LIMITS.maxValueLength);
  }
  // fromEntries defines own properties, so a `__proto__` label stays a label.
  return Object.fromEntries(entries) as Record<string, string>;
}

function optionalLabelSet(object: Json, key: string, at: string): Record<string, string> {
  const value = field(object, key);
  return value === undefined ? {} : labelSet(value, at);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isRfc3339(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const offsetOk = match[9] === undefined || (Number(match[9]) <= 23 && Number(match[10]) <= 59);
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offsetOk;
}

function time(object: Json, key: string, at: string): string {
  const value = required(object, key, `${at}.${key}`);
  if (typeof value !== 'string' || value.length > 64 || !isRfc3339(value)) {
    throw new Problem(`${at}.${key} must be an RFC 3339 time`);
  }
  return value;
}

function parseAlert(value: unknown, at: string): WebhookAlert {
  if (!isObject(value)) throw new Problem(`${at} must be an object`);
  // In the order Alertmanager writes the fields, so the first problem reported is the first one sent.
  const alertStatus = status(required(value, 'status', `${at}.status`), `${at}.status`);
  const labels = labelSet(required(value, 'labels', `${at}.labels`), `${at}.labels`);
  const annotations = optionalLabelSet(value, 'annotations', `${at}.annotations`);
  const startsAt = time(value, 'startsAt', at);
  const endsAt = time(value, 'endsAt', at);
  const generatorURL = optionalText(value, 'generatorURL', `${at}.generatorURL`);
  const fingerprint = required(value, 'fingerprint', `${at}.fingerprint`);
  if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
    throw new Problem(`${at}.fingerprint must be 16 hex characters`);
  }
  return { status: alertStatus, labels, annotations, startsAt, endsAt, generatorURL, fingerprint: fingerprint.toLowerCase() };
}

function parsePayload(body: unknown): WebhookPayload {
  if (!isObject(body)) throw new Problem('payload must be a JSON object');
  if (required(body, 'version', 'version') !== '4') throw new Problem('version must be "4"');
  const payloadStatus = status(required(body, 'status', 'status'), 'status');
  const alerts = required(body, 'alerts', 'alerts');
  if (!Array.isArray(alerts)) throw new Problem('alerts must be an array');
  // Before looking inside: a huge array is refused without walking it.
  if (alerts.length > WEBHOOK_LIMITS.maxAlerts) {
    throw new Problem(`alerts must have at most ${WEBHOOK_LIMITS.maxAlerts} entries, got ${alerts.length}`);
  }
  const parsedAlerts = alerts.map((alert: unknown, index) => parseAlert(alert, `alerts[${index}]`));
  const truncatedAlerts = field(body, 'truncatedAlerts') ?? 0;
  if (typeof truncatedAlerts !== 'number' || !Number.isSafeInteger(truncatedAlerts) || truncatedAlerts < 0) {
    throw new Problem('truncatedAlerts must be a whole number, 0 or more');
  }
  return {
    version: '4',
    status: payloadStatus,
    receiver: optionalText(body, 'receiver', 'receiver'),
    groupKey: optionalText(body, 'groupKey', 'groupKey'),
    groupLabels: optionalLabelSet(body, 'groupLabels', 'groupLabels'),
    commonLabels: optionalLabelSet(body, 'commonLabels', 'commonLabels'),
    commonAnnotations: optionalLabelSet(body, 'commonAnnotations', 'commonAnnotations'),
    externalURL: optionalText(body, 'externalURL', 'externalURL'),
    truncatedAlerts,
    alerts: parsedAlerts,
  };
}

/**
 * Checks an Alertmanager webhook body (already JSON-parsed). On failure, `problem` names the first
 * wrong field, e.g. `alerts[3].labels must be an object of strings`; it never echoes a value, only
 * (shortened) label names, so it is safe to send back in a 400 reply.
 */
export function parseWebhook(body: unknown): ParseWebhookResult {
  try {
    return { ok: true, payload: parsePayload(body) };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, problem: error.message };
    throw error;
  }
}

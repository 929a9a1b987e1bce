import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from '../dns-names.js';
import type { WebhookAlert } from './parse-webhook.js';

/** The init-container rule in deploy/prometheus/oom-check-rules.yaml and kube-prometheus's app-container one. */
export const DEFAULT_ALERT_NAMES: readonly string[] = ['KubeInitContainerOOMKilled', 'KubeContainerOOMKilled'];

/** kube-state-metrics' label names, which the rules keep; `cluster` as Prometheus' external_labels usually name it. */
export const DEFAULT_ALERT_LABELS = { namespace: 'namespace', pod: 'pod', container: 'container', cluster: 'cluster' } as const;

export interface MapAlertOptions {
  /** Alert names the bot acts on (`alertname` label). */
  alertNames: readonly string[];
  /**
   * Which labels carry the namespace, pod, container and cluster names. `cluster` is null when the
   * bot serves the one cluster of its kubeconfig (OOM_CHECK_CLUSTERS unset): the label is not read.
   */
  labels: { namespace: string; pod: string; container: string; cluster: string | null };
  /** OOM_CHECK_NAMESPACES; empty means every namespace. */
  allowedNamespaces: readonly string[];
}

export type AlertMapping =
  /** `cluster`: the cluster label's value, null when the alert has none (the processor decides). */
  | { action: 'open'; cluster: string | null; namespace: string; pod: string; container: string | null }
  | { action: 'skip'; reason: string };


/** A label value for a message: quoted and escaped (quotes, newlines), cut at 80 characters. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** A label's value, or null when the alert does not carry it (Prometheus drops empty labels too). */
function label(alert: Pick<WebhookAlert, 'labels'>, name: string): string | null {
  const value = Object.hasOwn(alert.labels, name) ? alert.labels[name] : undefined;
  return value === undefined || value === '' ? null : value;
}

function badName(labelName: string, value: string, kind: 'label' | 'subdomain', what: string): string | null {
  const max = kind === 'label' ? 63 : 253;
  const pattern = kind === 'label' ? DNS_1123_LABEL : DNS_1123_SUBDOMAIN;
  if (value.length <= max && pattern.test(value)) return null;
  return `label ${labelName} value ${quote(value)} is not a valid ${what} (a DNS-1123 ${kind}: lower-case letters, digits and "-"${kind === 'subdomain' ? ' or "."' : ''}, at most ${max} characters)`;
}

/**
 * Which pod an alert is about, or why the bot leaves it alone. `open` says the alert concerns a pod
 * the bot handles, whatever its status: the caller opens an incident for a firing alert and records
 * a resolution for a resolved one. Label values are never interpreted; skip reasons quote them
 * escaped and shortened, so they can be logged and stored as they are.
 */
export function mapAlert(alert: Pick<WebhookAlert, 'labels'>, options: MapAlertOptions): AlertMapping {
  const alertName = label(alert, 'alertname');
  if (alertName === null) return { action: 'skip', reason: 'the alert has no alertname label' };
  if (!options.alertNames.includes(alertName)) {
    return { action: 'skip', reason: `alert name ${quote(alertName)} is not in the allow-list (${options.alertNames.join(', ')})` };
  }

  const names = options.labels;
  const pod = label(alert, names.pod);
  if (pod === null) return { action: 'skip', reason: `the alert has no pod label (${names.pod})` };
  const namespace = label(alert, names.namespace);
  if (namespace === null) return { action: 'skip', reason: `the alert has no namespace label (${names.namespace})` };
  const container = label(alert, names.container);

  const invalid =
    badName(names.namespace, namespace, 'label', 'namespace name') ??
    badName(names.pod, pod, 'subdomain', 'pod name') ??
    (container === null ? null : badName(names.container, container, 'label', 'container name'));
  if (invalid !== null) return { action: 'skip', reason: invalid };

  if (options.allowedNamespaces.length > 0 && !options.allowedNamespaces.includes(namespace)) {
    return { action: 'skip', reason: `namespace ${namespace} is outside the allow-list OOM_CHECK_NAMESPACES (${options.allowedNamespaces.join(', ')})` };
  }
  return { action: 'open', cluster: names.cluster === null ? null : label(alert, names.cluster), namespace, pod, container };
}

/**
 * The idempotency key of one delivery of one alert: Alertmanager re-sends the same alert (same
 * fingerprint, same startsAt) on retries and every repeat_interval, and sends it once more with
 * status resolved. startsAt is kept as sent, nanoseconds included.
 */
export function alertKey(alert: Pick<WebhookAlert, 'fingerprint' | 'startsAt' | 'status'>): string {
  return `${alert.fingerprint}|${alert.startsAt}|${alert.status}`;
}

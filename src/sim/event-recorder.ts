/**
 * Events as the components write them, read back through core/v1. The kubelet and the controllers
 * use client-go's legacy recorder: a repeat of the same reason and message on the same object bumps
 * `count` and `lastTimestamp` instead of adding a row, which `kubectl get events` shows as "x5 over
 * 2m". The scheduler uses the events.k8s.io API (recordNew): `eventTime` in microseconds and an
 * `action`, no first/last timestamps, no count, an empty `source`.
 */
import type { KubeEvent, KubeObject } from './k8s-types.js';
import type { ObjectStore } from './object-store.js';
import { microTime, rfc3339 } from './timestamps.js';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private readonly index = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records an event about `about` (fieldPath e.g. `spec.initContainers{migrate}`) in the object's
   * namespace, or in `default` for cluster-scoped objects such as Nodes.
   */
  record(
    about: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    const namespace = about.metadata.namespace ?? 'default';
    const involved: KubeEvent['involvedObject'] = {
      kind: about.kind ?? 'Unknown',
      name: about.metadata.name,
      apiVersion: about.apiVersion ?? 'v1',
    };
    if (about.metadata.namespace) involved.namespace = about.metadata.namespace;
    if (about.metadata.uid) involved.uid = about.metadata.uid;
    if (about.metadata.resourceVersion) involved.resourceVersion = about.metadata.resourceVersion;
    if (fieldPath) involved.fieldPath = fieldPath;
    const aggregateKey = JSON.stringify([namespace, involved.uid ?? involved.name, fieldPath, type, reason, message, source.component]);
    const stamp = rfc3339(this.now());
    const existing = this.index.get(aggregateKey);
    if (existing && this.store.get('Event', namespace, existing)) {
      this.store.mutate<KubeEvent>('Event', namespace, existing, (ev) => {
        ev.count = (ev.count ?? 1) + 1;
        ev.lastTimestamp = stamp;
        ev.involvedObject = involved;
      });
      return;
    }
    this.sequence += 1;
    const name = `${about.metadata.name}.${(BigInt(this.now()) * 1_000_000n + BigInt(this.sequence)).toString(16)}`;
    const event: KubeEvent = {
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source: { ...source },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.create('Event', event);
    this.index.set(aggregateKey, name);
  }

  /**
   * An event written through events.k8s.io/v1 (k8s.io/client-go/tools/events), as core/v1 shows it:
   * `regarding` becomes involvedObject, `note` the message; reportingInstance is
   * `<controller>-<hostname>` as the broadcaster makes it.
   */
  recordNew(about: KubeObject, type: 'Normal' | 'Warning', reason: string, action: string, note: string, reportingController: string, reportingInstance: string): void {
    const involved: KubeEvent['involvedObject'] = { kind: about.kind ?? 'Unknown', name: about.metadata.name, apiVersion: about.apiVersion ?? 'v1' };
    if (about.metadata.namespace) involved.namespace = about.metadata.namespace;
    if (about.metadata.uid) involved.uid = about.metadata.uid;
    if (about.metadata.resourceVersion) involved.resourceVersion = about.metadata.resourceVersion;
    this.sequence += 1;
    const event: KubeEvent = {
      metadata: { name: `${about.metadata.name}.${(BigInt(this.now()) * 1_000_000n + BigInt(this.sequence)).toString(16)}`, namespace: about.metadata.namespace ?? 'default' },
      involvedObject: involved,
      reason,
      message: note,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type,
      eventTime: microTime(this.now()),
      action,
      reportingComponent: reportingController,
      reportingInstance,
    };
    this.store.create('Event', event);
  }
}

/**
 * One log line each time a pod's displayed status changes (`shop/checkout-7d9f8b6c4-x2x4q
 * Init:OOMKilled restarts=1`), so someone running `oom-check sim` at human speed can follow the
 * scenario without a second terminal.
 */
import type { Logger } from 'pino';
import type { Pod } from './k8s-types.js';
import type { ObjectStore } from './object-store.js';
import { podDisplayStatus } from './pod-display-status.js';

export function watchPodStatus(store: ObjectStore, log: Logger): () => void {
  const last = new Map<string, string>();
  return store.subscribe((change) => {
    if (change.kind !== 'Pod') return;
    const pod = change.object as Pod;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (change.type === 'DELETED') {
      last.delete(key);
      log.info({ pod: key }, `pod ${key} deleted`);
      return;
    }
    const d = podDisplayStatus(pod);
    const line = `${d.status} ready=${d.ready} restarts=${d.restarts}`;
    if (last.get(key) === line) return;
    last.set(key, line);
    log.info({ pod: key, status: d.status, ready: d.ready, restarts: d.restarts }, `pod ${key} ${line}`);
  });
}

/**
 * The resource quota controller's part: keeps every ResourceQuota's status (hard, used) equal to
 * what its namespace's pods are charged (resource-quota.ts). Any pod change marks its namespace;
 * one recount runs on the next turn of the event loop, and a recount that changes nothing writes
 * nothing.
 */
import type { Pod } from './k8s-types.js';
import type { ObjectStore } from './object-store.js';
import { quotaStatus, type ResourceQuota } from './resource-quota.js';
import type { ScaledTimers } from './scaled-timers.js';

export class QuotaController {
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: ScaledTimers,
  ) {}

  /** Recounts every quota now and after each pod change; returns the unsubscribe function. */
  attach(): () => void {
    for (const quota of this.store.list<ResourceQuota>('ResourceQuota')) this.dirty.add(quota.metadata.namespace ?? '');
    this.recount();
    return this.store.subscribe((change) => {
      if (change.kind !== 'Pod') return;
      const first = this.dirty.size === 0;
      this.dirty.add(change.object.metadata.namespace ?? '');
      if (first) this.timers.afterMs(0, () => this.recount());
    });
  }

  private recount(): void {
    const namespaces = [...this.dirty];
    this.dirty.clear();
    for (const namespace of namespaces) {
      const quotas = this.store.list<ResourceQuota>('ResourceQuota', namespace);
      if (quotas.length === 0) continue;
      const pods = this.store.list<Pod>('Pod', namespace);
      for (const quota of quotas) {
        this.store.mutate<ResourceQuota>('ResourceQuota', namespace, quota.metadata.name, (q) => {
          q.status = quotaStatus(q, pods);
        });
      }
    }
  }
}

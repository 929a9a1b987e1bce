/**
 * What the API server does to a pod a controller creates, after defaulting and before storing it:
 * the LimitRanger (limit-ranger.ts) and then the ResourceQuota plugin (resource-quota.ts), as
 * admission runs them. A refusal is the plugins' 403 Forbidden, `pods "checkout-7d9f8b6c4-x2x4q" is
 * forbidden: exceeded quota: ...`, which the controller turns into its FailedCreate event.
 */
import { ApiError } from './api-error.js';
import type { Pod } from './k8s-types.js';
import { limitPod, type LimitRange } from './limit-ranger.js';
import type { ObjectStore } from './object-store.js';
import { qosClass } from './pod-status.js';
import { quotaRefusal, type ResourceQuota } from './resource-quota.js';

/** The admission plugins' 403 for a pod (admission.NewForbidden). */
function forbidden(pod: Pod, message: string): ApiError {
  return new ApiError(403, 'Forbidden', `pods "${pod.metadata.name}" is forbidden: ${message}`, { name: pod.metadata.name, kind: 'pods' });
}

export class PodAdmission {
  constructor(private readonly store: ObjectStore) {}

  /** Admits and stores `pod`; throws the 403 ApiError when a plugin refuses it. */
  create(pod: Pod): Pod {
    const admitted = structuredClone(pod);
    const namespace = admitted.metadata.namespace;
    const refusal = limitPod(admitted, this.store.list<LimitRange>('LimitRange', namespace));
    if (refusal) throw forbidden(admitted, refusal);
    // The registry's PrepareForCreate sets the QoS class after mutating admission: LimitRange
    // defaults can turn a BestEffort pod Burstable.
    admitted.status.qosClass = qosClass(admitted.spec);
    const pods = this.store.list<Pod>('Pod', namespace);
    for (const quota of this.store.list<ResourceQuota>('ResourceQuota', namespace)) {
      const refused = quotaRefusal(quota, pods, admitted);
      if (refused) throw forbidden(admitted, refused);
    }
    return this.store.create('Pod', admitted);
  }
}

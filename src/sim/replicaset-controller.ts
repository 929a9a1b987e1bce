/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods (created from the template, named
 * `<rs>-<5 chars>`, owned with controller: true) and reports replicas/ready/available in status.
 * A creation that admission refuses (quota, limit range) stops the batch, is a Warning FailedCreate
 * event `Error creating: pods "x" is forbidden: ...` (controller.RealPodControl), and sets the
 * ReplicaFailure condition (reason FailedCreate, the error as message) until a creation succeeds.
 */
import { ApiError } from './api-error.js';
import type { EventRecorder } from './event-recorder.js';
import type { Condition, Pod, Workload } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import { omitEmpty } from './omit-empty.js';
import { deletionOrder, isActive, isReady, ownedBy } from './ownership.js';
import type { PodAdmission } from './pod-admission.js';
import { podFromTemplate, randomSuffix } from './pod-from-template.js';
import { rfc3339 } from './timestamps.js';

const SOURCE = { component: 'replicaset-controller' };

export class ReplicaSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: Pick<Kubelet, 'terminate'>,
    private readonly events: EventRecorder,
    private readonly admission: PodAdmission,
  ) {}

  reconcile(rs: Workload): void {
    const namespace = rs.metadata.namespace ?? '';
    const active = ownedBy<Pod>(this.store, 'Pod', rs).filter(isActive);
    const want = rs.spec.replicas ?? 1;
    /** undefined: no creation attempted; null: all succeeded; else the refusal. */
    let failure: ApiError | null | undefined;
    if (active.length < want) {
      failure = null;
      for (let i = active.length; i < want; i += 1) {
        const prefix = `${rs.metadata.name}-`;
        let name = `${prefix}${randomSuffix()}`;
        while (this.store.get('Pod', namespace, name)) name = `${prefix}${randomSuffix()}`;
        const pod = podFromTemplate(rs.spec.template, { name, namespace, owner: rs, generateName: prefix });
        try {
          this.admission.create(pod);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          failure = error;
          this.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${error.message}`, SOURCE);
          break;
        }
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, SOURCE);
      }
    } else if (active.length > want) {
      for (const victim of [...active].sort(deletionOrder).slice(0, active.length - want)) {
        this.kubelet.terminate(namespace, victim.metadata.name);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${victim.metadata.name}`, SOURCE);
      }
    }
    const now = ownedBy<Pod>(this.store, 'Pod', rs).filter(isActive);
    const ready = now.filter(isReady).length;
    this.store.mutate<Workload>('ReplicaSet', namespace, rs.metadata.name, (r) => {
      const conditions = replicaFailure((r.status?.conditions as Condition[] | undefined) ?? [], failure);
      r.status = omitEmpty(
        {
          replicas: now.length,
          fullyLabeledReplicas: now.length,
          readyReplicas: ready,
          availableReplicas: ready,
          observedGeneration: r.metadata.generation ?? 1,
        },
        ['replicas'],
      );
      if (conditions.length > 0) r.status.conditions = conditions;
    });
  }
}

/** The ReplicaSet's conditions after a sync: ReplicaFailure set by a refused creation, removed by a successful one. */
function replicaFailure(conditions: Condition[], failure: ApiError | null | undefined): Condition[] {
  if (failure === undefined) return conditions;
  const others = conditions.filter((c) => c.type !== 'ReplicaFailure');
  if (failure === null) return others;
  const current = conditions.find((c) => c.type === 'ReplicaFailure');
  if (current?.message === failure.message) return conditions;
  return [...others, { type: 'ReplicaFailure', status: 'True', lastTransitionTime: current?.lastTransitionTime ?? rfc3339(Date.now()), reason: 'FailedCreate', message: failure.message }];
}

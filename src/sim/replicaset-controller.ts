/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods (created from the template, named
 * `<rs>-<5 chars>`, owned with controller: true) and reports replicas/ready/available in status.
 */
import type { EventRecorder } from './event-recorder.js';
import type { Pod, Workload } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import { omitEmpty } from './omit-empty.js';
import { deletionOrder, isActive, isReady, ownedBy } from './ownership.js';
import { podFromTemplate, randomSuffix } from './pod-from-template.js';

const SOURCE = { component: 'replicaset-controller' };

export class ReplicaSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: Pick<Kubelet, 'terminate'>,
    private readonly events: EventRecorder,
  ) {}

  reconcile(rs: Workload): void {
    const namespace = rs.metadata.namespace ?? '';
    const active = ownedBy<Pod>(this.store, 'Pod', rs).filter(isActive);
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i += 1) {
        const prefix = `${rs.metadata.name}-`;
        let name = `${prefix}${randomSuffix()}`;
        while (this.store.get('Pod', namespace, name)) name = `${prefix}${randomSuffix()}`;
        const pod = podFromTemplate(rs.spec.template, { name, namespace, owner: rs, generateName: prefix });
        this.store.create('Pod', pod);
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
    });
  }
}

/**
 * The StatefulSet controller: pods `<name>-0..n-1` owned by the set itself, labelled with
 * `controller-revision-hash`. OrderedReady (the default) creates each pod only once its predecessor
 * is Running and Ready, and — faithfully, including the trap — stops there: a pod that never gets
 * ready (an OOM-looping init container) blocks the rolling update too, so patching the template
 * alone does not replace it; deleting that pod does. With `Parallel` the update proceeds from the
 * highest ordinal down, replacing one pod at a time.
 */
import { ApiError } from './api-error.js';
import type { EventRecorder } from './event-recorder.js';
import type { Pod, Workload } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import { omitEmpty } from './omit-empty.js';
import { isReady, ownedBy } from './ownership.js';
import type { PodAdmission } from './pod-admission.js';
import { podFromTemplate } from './pod-from-template.js';
import { templateHash } from './template-hash.js';

const SOURCE = { component: 'statefulset-controller' };
const REVISION_LABEL = 'controller-revision-hash';

function healthy(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status.phase === 'Running' && isReady(pod);
}

export class StatefulSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: Pick<Kubelet, 'terminate'>,
    private readonly events: EventRecorder,
    private readonly admission: PodAdmission,
  ) {}

  reconcile(sts: Workload): void {
    const name = sts.metadata.name;
    const replicas = sts.spec.replicas ?? 1;
    const updateRevision = `${name}-${templateHash(sts.spec.template)}`;
    const monotonic = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const pods = new Map<number, Pod>();
    for (const pod of ownedBy<Pod>(this.store, 'Pod', sts)) {
      const ordinal = Number(pod.metadata.name.slice(name.length + 1));
      if (pod.metadata.name.startsWith(`${name}-`) && Number.isInteger(ordinal)) pods.set(ordinal, pod);
    }
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i += 1) {
      const pod = pods.get(i);
      if (!pod) {
        this.create(sts, i, updateRevision);
        blocked = monotonic;
      } else if (pod.metadata.deletionTimestamp) {
        blocked = monotonic;
      } else if (pod.status.phase === 'Failed' || pod.status.phase === 'Succeeded') {
        this.remove(sts, pod);
        blocked = monotonic;
      } else if (!healthy(pod)) {
        blocked = monotonic;
      }
    }
    if (!blocked) {
      const condemned = [...pods.entries()].filter(([i, p]) => i >= replicas && !p.metadata.deletionTimestamp).sort(([a], [b]) => b - a);
      for (const [, pod] of monotonic ? condemned.slice(0, 1) : condemned) this.remove(sts, pod);
      blocked = monotonic && condemned.length > 0;
    }
    const strategy = (sts.spec.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: number } };
    if (!blocked && strategy.type !== 'OnDelete') {
      for (let target = replicas - 1; target >= (strategy.rollingUpdate?.partition ?? 0); target -= 1) {
        const pod = pods.get(target);
        if (!pod) continue;
        if (pod.metadata.labels?.[REVISION_LABEL] !== updateRevision && !pod.metadata.deletionTimestamp) {
          this.remove(sts, pod);
          break;
        }
        if (!healthy(pod)) break;
      }
    }
    this.writeStatus(sts, replicas, updateRevision);
  }

  private create(sts: Workload, ordinal: number, revision: string): void {
    const podName = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(sts.spec.template, {
      name: podName,
      namespace: sts.metadata.namespace ?? '',
      owner: sts,
      hostname: podName,
      extraLabels: { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(ordinal) },
    });
    if (typeof sts.spec.serviceName === 'string') pod.spec.subdomain = sts.spec.serviceName;
    try {
      this.admission.create(pod);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // The StatefulSet controller's own wording (stateful_pod_control.go recordPodEvent).
      this.events.record(sts, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} failed error: ${error.message}`, SOURCE);
      return;
    }
    this.events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} successful`, SOURCE);
  }

  private remove(sts: Workload, pod: Pod): void {
    this.kubelet.terminate(pod.metadata.namespace ?? '', pod.metadata.name);
    this.events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, SOURCE);
  }

  private writeStatus(sts: Workload, replicas: number, updateRevision: string): void {
    const live = ownedBy<Pod>(this.store, 'Pod', sts).filter((p) => !p.metadata.deletionTimestamp);
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    const ready = live.filter((p) => p.status.phase === 'Running' && isReady(p)).length;
    this.store.mutate<Workload>('StatefulSet', sts.metadata.namespace, sts.metadata.name, (s) => {
      const previous = typeof s.status?.currentRevision === 'string' ? s.status.currentRevision : updateRevision;
      const currentRevision = updated === replicas && live.length === replicas ? updateRevision : previous;
      const current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
      s.status = {
        ...omitEmpty(
          {
            observedGeneration: s.metadata.generation ?? 1,
            replicas: live.length,
            readyReplicas: ready,
            currentReplicas: current,
            updatedReplicas: updated,
            availableReplicas: ready,
          },
          ['replicas', 'availableReplicas'],
        ),
        currentRevision,
        updateRevision,
        collisionCount: 0,
      };
    });
  }
}

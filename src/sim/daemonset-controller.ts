/**
 * The DaemonSet controller: one pod per simulated node, bound to it, owned by the set. A template
 * change replaces pods node by node (RollingUpdate, maxUnavailable 1); as in the real controller,
 * an old pod that is not available is replaced at once without using up that budget.
 */
import { ApiError } from './api-error.js';
import type { EventRecorder } from './event-recorder.js';
import type { Pod, Workload } from './k8s-types.js';
import type { Kubelet } from './kubelet.js';
import type { ObjectStore } from './object-store.js';
import { omitEmpty } from './omit-empty.js';
import { isActive, isReady, ownedBy } from './ownership.js';
import type { PodAdmission } from './pod-admission.js';
import { podFromTemplate, randomSuffix } from './pod-from-template.js';
import { templateHash } from './template-hash.js';

const SOURCE = { component: 'daemonset-controller' };
const REVISION_LABEL = 'controller-revision-hash';

export class DaemonSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly kubelet: Pick<Kubelet, 'terminate'>,
    private readonly events: EventRecorder,
    private readonly nodes: readonly string[],
    private readonly admission: PodAdmission,
  ) {}

  reconcile(ds: Workload): void {
    const namespace = ds.metadata.namespace ?? '';
    const hash = templateHash(ds.spec.template);
    const pods = ownedBy<Pod>(this.store, 'Pod', ds);
    const onNode = (node: string) => pods.filter((p) => p.spec.nodeName === node);
    let unavailable = this.nodes.filter((n) => !onNode(n).some((p) => isActive(p) && isReady(p))).length;
    for (const node of this.nodes) {
      const here = onNode(node);
      const active = here.filter(isActive);
      if (active.length === 0 && here.length === 0) {
        this.create(ds, node, hash, namespace);
        continue;
      }
      for (const old of active.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash)) {
        if (!isReady(old)) this.remove(ds, old);
        else if (unavailable < 1) {
          this.remove(ds, old);
          unavailable += 1;
        }
      }
    }
    this.writeStatus(ds, hash);
  }

  private create(ds: Workload, node: string, hash: string, namespace: string): void {
    const prefix = `${ds.metadata.name}-`;
    const name = `${prefix}${randomSuffix()}`;
    const pod = podFromTemplate(ds.spec.template, {
      name,
      namespace,
      owner: ds,
      nodeName: node,
      generateName: prefix,
      extraLabels: { [REVISION_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
    });
    try {
      this.admission.create(pod);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${error.message}`, SOURCE);
      return;
    }
    this.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, SOURCE);
  }

  private remove(ds: Workload, pod: Pod): void {
    this.kubelet.terminate(pod.metadata.namespace ?? '', pod.metadata.name);
    this.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
  }

  private writeStatus(ds: Workload, hash: string): void {
    const live = ownedBy<Pod>(this.store, 'Pod', ds).filter(isActive);
    const scheduled = new Set(live.map((p) => p.spec.nodeName)).size;
    const ready = live.filter(isReady).length;
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash).length;
    this.store.mutate<Workload>('DaemonSet', ds.metadata.namespace, ds.metadata.name, (d) => {
      d.status = omitEmpty(
        {
          currentNumberScheduled: scheduled,
          numberMisscheduled: 0,
          desiredNumberScheduled: this.nodes.length,
          numberReady: ready,
          observedGeneration: d.metadata.generation ?? 1,
          updatedNumberScheduled: updated,
          numberAvailable: ready,
          numberUnavailable: Math.max(0, this.nodes.length - ready),
        },
        ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
      );
    });
  }
}

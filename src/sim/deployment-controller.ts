/**
 * The Deployment controller, following kube-controller-manager's rolling update closely enough that
 * the timing questions the bot asks get real answers: a template change creates a ReplicaSet named
 * `<deployment>-<pod-template-hash>`; the new one scales up within maxSurge; old ReplicaSets shrink
 * only while minAvailable holds, unhealthy old pods first — so an OOM-looping old pod goes away as
 * soon as its replacement is available, and not before. Status and the Available / Progressing
 * conditions (rollout-conditions.ts; progressDeadlineSeconds on the scaled clock) are kept up
 * to date.
 */
import { rolloutConditions, setDeploymentCondition } from './rollout-conditions.js';
import type { EventRecorder } from './event-recorder.js';
import type { Condition, Workload } from './k8s-types.js';
import type { ObjectStore } from './object-store.js';
import { omitEmpty } from './omit-empty.js';
import { ownedBy } from './ownership.js';
import type { ScaledTimers } from './scaled-timers.js';
import { templateHash } from './template-hash.js';

const REVISION = 'deployment.kubernetes.io/revision';
const SOURCE = { component: 'deployment-controller' };

interface Progress {
  /** When Progressing last got a new lastUpdateTime (real ms; the deadline runs on the scaled clock). */
  atMs: number;
  cancelDeadline: () => void;
}

function revisionOf(rs: Workload): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

/** An int-or-percent of `total`; surge rounds up, unavailability down, as in the controller. */
function resolve(value: unknown, fallback: string, total: number, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const pct = Number(String(v).replace('%', '')) / 100;
  return roundUp ? Math.ceil(pct * total) : Math.floor(pct * total);
}

function num(status: Record<string, unknown> | undefined, key: string): number {
  return Number(status?.[key] ?? 0);
}

/**
 * syncRolloutStatus's getReplicaFailures: the first ReplicaFailure of the new ReplicaSet (then the
 * old ones) becomes the Deployment's ReplicaFailure condition; none removes it.
 */
function replicaFailure(conditions: Condition[], sets: ReadonlyArray<Workload | undefined>): void {
  const failed = sets.flatMap((rs) => ((rs?.status?.conditions as Condition[] | undefined) ?? []).filter((c) => c.type === 'ReplicaFailure'))[0];
  if (!failed) {
    const at = conditions.findIndex((c) => c.type === 'ReplicaFailure');
    if (at !== -1) conditions.splice(at, 1);
    return;
  }
  const at = failed.lastTransitionTime;
  setDeploymentCondition(conditions, { type: 'ReplicaFailure', status: failed.status, lastUpdateTime: at, lastTransitionTime: at, reason: failed.reason, message: failed.message });
}

export class DeploymentController {
  private readonly progress = new Map<string, Progress>();

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: ScaledTimers,
    private readonly events: EventRecorder,
    private readonly kick: () => void,
  ) {}

  reconcile(d: Workload): void {
    const namespace = d.metadata.namespace ?? '';
    const desired = d.spec.replicas ?? 1;
    const strategy = (d.spec.strategy ?? {}) as { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
    const maxSurge = resolve(strategy.rollingUpdate?.maxSurge, '25%', desired, true);
    let maxUnavailable = resolve(strategy.rollingUpdate?.maxUnavailable, '25%', desired, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const hash = templateHash(d.spec.template);
    const owned = ownedBy<Workload>(this.store, 'ReplicaSet', d);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    let created = false;
    if (!newRS) {
      newRS = this.store.create('ReplicaSet', this.newReplicaSet(d, hash, maxRevision + 1, desired, maxSurge));
      created = true;
    } else if (revisionOf(newRS) < maxRevision) {
      newRS = this.store.mutate<Workload>('ReplicaSet', namespace, newRS.metadata.name, (rs) => {
        rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION]: String(maxRevision + 1) };
      }) as Workload;
    }
    const newName = newRS.metadata.name;
    const olds = owned.filter((rs) => rs.metadata.name !== newName);

    if (strategy.type === 'Recreate') {
      const oldPods = olds.reduce((n, rs) => n + num(rs.status, 'replicas'), 0);
      for (const rs of olds) this.scale(d, rs, 0);
      if (oldPods === 0) this.scale(d, newRS, desired);
    } else {
      const total = () => ownedBy<Workload>(this.store, 'ReplicaSet', d).reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
      const newReplicas = newRS.spec.replicas ?? 0;
      if (newReplicas > desired) this.scale(d, newRS, desired);
      else if (newReplicas < desired && total() < desired + maxSurge) {
        this.scale(d, newRS, newReplicas + Math.min(desired + maxSurge - total(), desired - newReplicas));
      }
      const minAvailable = desired - maxUnavailable;
      const fresh = this.store.get<Workload>('ReplicaSet', namespace, newName) as Workload;
      const newUnavailable = Math.max(0, (fresh.spec.replicas ?? 0) - num(fresh.status, 'availableReplicas'));
      let budget = total() - minAvailable - newUnavailable;
      const oldest = [...olds].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
      for (const rs of oldest) {
        const replicas = rs.spec.replicas ?? 0;
        const unhealthy = replicas - num(rs.status, 'availableReplicas');
        if (budget <= 0 || unhealthy <= 0) continue;
        const down = Math.min(budget, unhealthy);
        this.scale(d, rs, replicas - down);
        budget -= down;
      }
      const all = ownedBy<Workload>(this.store, 'ReplicaSet', d);
      let excess = all.reduce((n, rs) => n + num(rs.status, 'availableReplicas'), 0) - minAvailable;
      for (const rs of all.filter((r) => r.metadata.name !== newName)) {
        const replicas = rs.spec.replicas ?? 0;
        if (excess <= 0 || replicas === 0) continue;
        const down = Math.min(excess, replicas);
        this.scale(d, rs, replicas - down);
        excess -= down;
      }
    }
    this.writeStatus(d, newName, desired, maxUnavailable, created);
  }

  private newReplicaSet(d: Workload, hash: string, revision: number, desired: number, maxSurge: number): Workload {
    const template = structuredClone(d.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
    return {
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace ?? '',
        labels: { ...template.metadata.labels },
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(desired),
          'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
          [REVISION]: String(revision),
        },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: {
        replicas: 0,
        selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, 'pod-template-hash': hash } },
        template,
      },
      status: { replicas: 0 },
    };
  }

  private scale(d: Workload, rs: Workload, replicas: number): void {
    const from = rs.spec.replicas ?? 0;
    if (from === replicas) return;
    this.store.mutate<Workload>('ReplicaSet', rs.metadata.namespace, rs.metadata.name, (r) => {
      r.spec.replicas = replicas;
      r.metadata.annotations = { ...r.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1) };
    });
    const verb = replicas > from ? 'up' : 'down';
    this.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${replicas}`, SOURCE);
  }

  private writeStatus(d: Workload, newName: string, desired: number, maxUnavailable: number, created: boolean): void {
    const all = ownedBy<Workload>(this.store, 'ReplicaSet', d);
    const newRS = all.find((rs) => rs.metadata.name === newName);
    const sum = (key: string) => all.reduce((n, rs) => n + num(rs.status, key), 0);
    const after = { replicas: sum('replicas'), updatedReplicas: num(newRS?.status, 'replicas'), readyReplicas: sum('readyReplicas'), availableReplicas: sum('availableReplicas') };
    const before = { replicas: num(d.status, 'replicas'), updatedReplicas: num(d.status, 'updatedReplicas'), readyReplicas: num(d.status, 'readyReplicas'), availableReplicas: num(d.status, 'availableReplicas') };
    const specTotal = all.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    const now = Date.now();
    const uid = d.metadata.uid ?? '';
    const deadline = Number(d.spec.progressDeadlineSeconds ?? 600);
    const last = this.progress.get(uid);
    this.store.mutate<Workload>('Deployment', d.metadata.namespace, d.metadata.name, (dep) => {
      const result = rolloutConditions({
        conditions: (dep.status?.conditions as Condition[] | undefined) ?? [],
        before,
        after,
        desired,
        maxUnavailable,
        newReplicaSet: newName,
        created,
        observed: true,
        deadlinePassed: last !== undefined && this.timers.simSecondsSince(last.atMs, now) > deadline,
        nowMs: now,
      });
      if (result.progressed) {
        // requeueStuckDeployment: look again once the deadline could have passed.
        last?.cancelDeadline();
        this.progress.set(uid, { atMs: now, cancelDeadline: this.timers.after(deadline + 0.001, this.kick) });
      }
      replicaFailure(result.conditions, [newRS, ...all.filter((rs) => rs !== newRS)]);
      dep.metadata.annotations = { ...dep.metadata.annotations, [REVISION]: String(revisionOf(newRS ?? dep)) };
      dep.status = {
        ...omitEmpty({
          observedGeneration: dep.metadata.generation ?? 1,
          replicas: after.replicas,
          updatedReplicas: after.updatedReplicas,
          readyReplicas: after.readyReplicas,
          availableReplicas: after.availableReplicas,
          unavailableReplicas: Math.max(0, specTotal - after.availableReplicas),
        }),
        conditions: result.conditions,
      };
    });
  }
}

/**
 * The Deployment controller's Available and Progressing conditions, as pkg/controller/deployment
 * computes them on each sync (sync.go getNewReplicaSet, calculateStatus, progress.go
 * syncRolloutStatus; util SetDeploymentCondition, DeploymentProgressing, DeploymentComplete):
 *
 *   new ReplicaSet created          -> Progressing True  NewReplicaSetCreated  `Created new replica set "X"`
 *   any progress since the last sync -> Progressing True  ReplicaSetUpdated     `ReplicaSet "X" is progressing.`
 *   all replicas updated, available  -> Progressing True  NewReplicaSetAvailable `ReplicaSet "X" has successfully progressed.`
 *   no progress for the deadline     -> Progressing False ProgressDeadlineExceeded `ReplicaSet "X" has timed out progressing.`
 *
 * "Progress" is more updated replicas, fewer old ones, or more ready or available ones than the
 * status the sync started from. SetDeploymentCondition leaves a condition alone when status and
 * reason are unchanged, keeps lastTransitionTime when only the reason changes, and appends the
 * changed condition at the end, which is why a rolled-out Deployment lists Available first.
 */
import type { Condition } from './k8s-types.js';
import { rfc3339 } from './timestamps.js';

export interface RolloutCounts {
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

export interface RolloutInput {
  /** The conditions the Deployment has now. */
  conditions: readonly Condition[];
  /** The counts of the status this sync started from, and the ones it computed. */
  before: RolloutCounts;
  after: RolloutCounts;
  desired: number;
  maxUnavailable: number;
  newReplicaSet: string;
  /** This sync created the new ReplicaSet (getNewReplicaSet). */
  created: boolean;
  /** observedGeneration has caught up with generation. */
  observed: boolean;
  /** The controller's own clock says the deadline passed since the last progress. */
  deadlinePassed: boolean;
  nowMs: number;
}

export interface RolloutResult {
  conditions: Condition[];
  /** Progressing got a new lastUpdateTime: the deadline restarts from now. */
  progressed: boolean;
}

function condition(type: string, ok: boolean, reason: string, message: string, nowMs: number): Condition {
  const at = rfc3339(nowMs);
  return { type, status: ok ? 'True' : 'False', lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/** util.SetDeploymentCondition; returns whether anything changed. */
export function setDeploymentCondition(conditions: Condition[], next: Condition): boolean {
  const current = conditions.find((c) => c.type === next.type);
  if (current && current.status === next.status && current.reason === next.reason) return false;
  if (current && current.status === next.status) next.lastTransitionTime = current.lastTransitionTime;
  const at = conditions.findIndex((c) => c.type === next.type);
  if (at !== -1) conditions.splice(at, 1);
  conditions.push(next);
  return true;
}

function progressing(before: RolloutCounts, after: RolloutCounts): boolean {
  return (
    after.updatedReplicas > before.updatedReplicas ||
    after.replicas - after.updatedReplicas < before.replicas - before.updatedReplicas ||
    after.readyReplicas > before.readyReplicas ||
    after.availableReplicas > before.availableReplicas
  );
}

export function rolloutConditions(input: RolloutInput): RolloutResult {
  const { after, desired, newReplicaSet: rs, nowMs } = input;
  const conditions = input.conditions.map((c) => ({ ...c }));
  let progressed = false;
  if (input.created) {
    progressed = setDeploymentCondition(conditions, condition('Progressing', true, 'NewReplicaSetCreated', `Created new replica set "${rs}"`, nowMs));
  }
  const minimum = after.availableReplicas >= desired - input.maxUnavailable;
  setDeploymentCondition(
    conditions,
    minimum
      ? condition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', nowMs)
      : condition('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', nowMs),
  );
  const current = conditions.find((c) => c.type === 'Progressing');
  const done = after.replicas === after.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  if (done) return { conditions, progressed };
  const complete = after.updatedReplicas === desired && after.replicas === desired && after.availableReplicas === desired && input.observed;
  if (complete) {
    setDeploymentCondition(conditions, condition('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${rs}" has successfully progressed.`, nowMs));
  } else if (progressing(input.before, after)) {
    // Progress always rewrites the condition (lastUpdateTime moves), keeping lastTransitionTime if it was True.
    const next = condition('Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${rs}" is progressing.`, nowMs);
    if (current?.status === 'True' && current.lastTransitionTime) next.lastTransitionTime = current.lastTransitionTime;
    if (current) conditions.splice(conditions.indexOf(current), 1);
    conditions.push(next);
    progressed = true;
  } else if (current && (current.reason === 'ProgressDeadlineExceeded' || input.deadlinePassed)) {
    setDeploymentCondition(conditions, condition('Progressing', false, 'ProgressDeadlineExceeded', `ReplicaSet "${rs}" has timed out progressing.`, nowMs));
  }
  return { conditions, progressed };
}

import { rolloutConditions, setDeploymentCondition, type RolloutCounts, type RolloutInput } from '../../src/sim/rollout-conditions.js';
import type { Condition } from '../../src/sim/k8s-types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const counts = (replicas: number, updated: number, ready: number, available: number): RolloutCounts => ({ replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available });
const progressing = (reason: string, status: 'True' | 'False' = 'True', at = '2025-12-31T23:00:00Z'): Condition => ({ type: 'Progressing', status, reason, message: '', lastUpdateTime: at, lastTransitionTime: at });
const input = (over: Partial<RolloutInput>): RolloutInput => ({
  conditions: [],
  before: counts(0, 0, 0, 0),
  after: counts(0, 0, 0, 0),
  desired: 1,
  maxUnavailable: 0,
  newReplicaSet: 'web-abc',
  created: false,
  observed: true,
  deadlinePassed: false,
  nowMs: T0,
  ...over,
});
const reasons = (r: { conditions: Condition[] }) => r.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`);

test.each<[string, Partial<RolloutInput>, string[], boolean]>([
  ['a new ReplicaSet is created', { created: true }, ['Progressing=True/NewReplicaSetCreated', 'Available=False/MinimumReplicasUnavailable'], true],
  ['its pod appears: more updated replicas is progress', { conditions: [progressing('NewReplicaSetCreated')], before: counts(0, 0, 0, 0), after: counts(1, 1, 0, 0) }, ['Available=False/MinimumReplicasUnavailable', 'Progressing=True/ReplicaSetUpdated'], true],
  ['no change since the last sync is no progress', { conditions: [progressing('ReplicaSetUpdated')], before: counts(1, 1, 0, 0), after: counts(1, 1, 0, 0) }, ['Progressing=True/ReplicaSetUpdated', 'Available=False/MinimumReplicasUnavailable'], false],
  ['no progress past the deadline', { conditions: [progressing('ReplicaSetUpdated')], before: counts(1, 1, 0, 0), after: counts(1, 1, 0, 0), deadlinePassed: true }, ['Available=False/MinimumReplicasUnavailable', 'Progressing=False/ProgressDeadlineExceeded'], false],
  ['everything updated and available', { conditions: [progressing('ReplicaSetUpdated')], before: counts(1, 1, 0, 0), after: counts(1, 1, 1, 1) }, ['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable'], false],
  ['a finished rollout is left alone', { conditions: [progressing('NewReplicaSetAvailable')], before: counts(1, 1, 1, 1), after: counts(1, 1, 1, 1), deadlinePassed: true }, ['Progressing=True/NewReplicaSetAvailable', 'Available=True/MinimumReplicasAvailable'], false],
  ['fewer old replicas is progress', { conditions: [progressing('ReplicaSetUpdated')], desired: 2, before: counts(3, 1, 2, 2), after: counts(2, 1, 2, 2) }, ['Available=True/MinimumReplicasAvailable', 'Progressing=True/ReplicaSetUpdated'], true],
])('%s', (_name, over, expected, progressed) => {
  const result = rolloutConditions(input(over));
  expect(reasons(result)).toEqual(expected);
  expect(result.progressed).toBe(progressed);
});

test('progress keeps lastTransitionTime and moves lastUpdateTime', () => {
  const result = rolloutConditions(input({ conditions: [progressing('NewReplicaSetCreated')], after: counts(1, 1, 0, 0) }));
  expect(result.conditions.find((c) => c.type === 'Progressing')).toMatchObject({ lastTransitionTime: '2025-12-31T23:00:00Z', lastUpdateTime: '2026-01-01T00:00:00Z', message: 'ReplicaSet "web-abc" is progressing.' });
});

test('setDeploymentCondition changes nothing for the same status and reason', () => {
  const conditions = [progressing('ReplicaSetUpdated')];
  expect(setDeploymentCondition(conditions, { ...progressing('ReplicaSetUpdated', 'True', '2026-01-01T00:00:00Z') })).toBe(false);
  expect(conditions[0]?.lastUpdateTime).toBe('2025-12-31T23:00:00Z');
});

import type { Workload } from '../../../src/core/k8s-types.js';
import { rolloutWaitsForNewPod } from '../../../src/core/rules/rollout-overlap.js';

const deployment = (replicas: number | undefined, strategy?: Workload['spec']['strategy']): Pick<Workload, 'kind' | 'spec'> => ({
  kind: 'Deployment',
  spec: { ...(replicas === undefined ? {} : { replicas }), selector: {}, template: { spec: { containers: [] } }, ...(strategy ? { strategy } : {}) },
});

describe('rolloutWaitsForNewPod: maxUnavailable resolves to 0 (rounded down), so a new pod must run before an old one stops', () => {
  test.each<[string, Pick<Workload, 'kind' | 'spec'>, boolean]>([
    ['defaults (25 %/25 %), 1 replica: floor(0.25) = 0', deployment(1), true],
    ['defaults, replicas unset (1)', deployment(undefined), true],
    ['defaults, 3 replicas: floor(0.75) = 0', deployment(3), true],
    ['defaults, 4 replicas: floor(1) = 1', deployment(4), false],
    ['maxUnavailable 1', deployment(1, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }), false],
    ['maxUnavailable 50 % of 2 = 1', deployment(2, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } }), false],
    ['maxSurge 0: it must stop first (validation forbids both 0)', deployment(1, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }), false],
    ['Recreate', deployment(1, { type: 'Recreate' }), false],
    ['a StatefulSet stops each pod first', { ...deployment(1), kind: 'StatefulSet' }, false],
    ['a DaemonSet (maxUnavailable 1 by default)', { ...deployment(1), kind: 'DaemonSet' }, false],
  ])('%s', (_case, workload, expected) => {
    expect(rolloutWaitsForNewPod(workload)).toBe(expected);
  });
});

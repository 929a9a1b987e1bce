import type { Pod } from '../../../src/core/k8s-types.js';
import { assessSeverity, podTrouble } from '../../../src/core/rules/assess-severity.js';

const ready = (name: string): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
const initCrashLoop = (name: string): Pod => ({
  metadata: { name },
  spec: { containers: [{ name: 'app' }] },
  status: { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] },
});
const initializing = (name: string): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { running: {} } }] } });
const initRestarted = (name: string): Pod => ({
  metadata: { name },
  spec: { containers: [{ name: 'app' }] },
  status: { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] },
});
const appCrashLoop = (name: string): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } });

describe('assessSeverity: P1-P4 from the impact', () => {
  test.each([
    ['no replica available', { desired: 3, available: 0, pods: [initCrashLoop('a')] }, 'P1', 'no available replica (0 of 3)'],
    ['one of one down', { desired: 1, available: 0, pods: [] }, 'P1', 'no available replica (0 of 1)'],
    ['some unavailable', { desired: 4, available: 3, pods: [ready('a'), ready('b'), ready('c'), initCrashLoop('d')] }, 'P2', '1 of 4 replicas unavailable'],
    ['all available, a surge pod fails its init', { desired: 2, available: 2, pods: [ready('a'), ready('b'), initCrashLoop('c')] }, 'P3', 'all 2 replicas available, but 1 pod failing to start (c: init container migrate CrashLoopBackOff)'],
    ['all available, a surge pod runs its init again after an OOM kill', { desired: 2, available: 2, pods: [ready('a'), ready('b'), initRestarted('c')] }, 'P3', 'all 2 replicas available, but 1 pod failing to start (c: init container migrate OOMKilled)'],
    ['all available, an app container crash-loops', { desired: 2, available: 2, pods: [ready('a'), appCrashLoop('b')] }, 'P3', 'all 2 replicas available, but 1 pod failing to start (b: container app CrashLoopBackOff)'],
    ['all available, a new pod still initializing', { desired: 2, available: 2, pods: [ready('a'), ready('b'), initializing('c')] }, 'P4', 'all 2 replicas available, no pod failing now'],
    ['scaled to zero', { desired: 0, available: 0, pods: [] }, 'P4', 'scaled to zero: no replica is wanted'],
    ['more available than wanted (a rollout surge)', { desired: 2, available: 3, pods: [] }, 'P4', 'all 2 replicas available, no pod failing now'],
  ])('%s', (_name, impact, severity, reason) => {
    expect(assessSeverity(impact)).toEqual({ severity, reason });
  });

  test('an init container that exited non-zero is trouble; one that completed is not', () => {
    const exited = (exitCode: number): Pod => ({ metadata: { name: 'p' }, spec: { containers: [] }, status: { initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } } }] } });
    expect(podTrouble(exited(1))).toBe('init container migrate Error');
    expect(podTrouble(exited(0))).toBeNull();
  });
});

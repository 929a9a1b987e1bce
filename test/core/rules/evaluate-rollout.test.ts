import type { Pod } from '../../../src/core/k8s-types.js';
import { evaluateRollout, type RolloutState, type WatchedContainer } from '../../../src/core/rules/evaluate-rollout.js';
import { conditions, KILLED_AT, makePod, oomKilled, running, seedPod, terminated, waiting } from './pod-factory.js';

const OLD_UID = '5f0c7b8e-0d41-4c7a-9a55-2b1f6f1d9e01';
const MIGRATE: WatchedContainer = { kind: 'init', name: 'migrate' };
const notInitialized = conditions({ Initialized: false, Ready: false, PodScheduled: true });

/** A pod of the new ReplicaSet, by default still running its init container. */
function newPod(name: string, overrides: Parameters<typeof makePod>[0] = {}): Pod {
  return makePod({
    name,
    uid: `uid-${name}`,
    phase: 'Pending',
    init: [{ name: 'migrate', limit: '128Mi', state: running() }],
    app: [{ name: 'app', state: waiting('PodInitializing') }],
    conditions: notInitialized,
    ...overrides,
  });
}

const initialized = (name: string) =>
  newPod(name, {
    phase: 'Running',
    init: [{ name: 'migrate', limit: '128Mi', state: terminated(0, 'Completed') }],
    app: [{ name: 'app', state: running(), ready: true }],
    conditions: conditions({ Initialized: true, Ready: true, PodScheduled: true }),
  });

const oomAgain = (name: string) =>
  newPod(name, { init: [{ name: 'migrate', limit: '128Mi', state: waiting('CrashLoopBackOff'), lastState: oomKilled(), restartCount: 1 }] });

describe('evaluateRollout', () => {
  test.each<[string, Pod[], WatchedContainer, RolloutState]>([
    ['no pods at all', [], MIGRATE, { state: 'pending', detail: 'no new pod yet' }],
    ['only the old, OOMKilled pod', [seedPod({ uid: OLD_UID })], MIGRATE, { state: 'pending', detail: 'no new pod yet' }],
    ['a new pod on its way out', [newPod('b', { deletionTimestamp: '2026-11-27T22:41:00Z' })], MIGRATE, { state: 'pending', detail: 'no new pod yet' }],
    ['the new pod is initialized', [seedPod({ uid: OLD_UID }), initialized('orders-api-6c8d9f7b4-q7w2e')], MIGRATE, { state: 'initialized', pod: 'orders-api-6c8d9f7b4-q7w2e' }],
    [
      'the new pod is OOMKilled again',
      [seedPod({ uid: OLD_UID }), oomAgain('orders-api-6c8d9f7b4-q7w2e')],
      MIGRATE,
      {
        state: 'oom-killed',
        pod: 'orders-api-6c8d9f7b4-q7w2e',
        detail: `pod orders-api-6c8d9f7b4-q7w2e: init container \`migrate\` was OOMKilled again (exit 137) at ${KILLED_AT} under the new 128Mi limit`,
      },
    ],
    [
      'an OOM kill in the current state, no time',
      [newPod('b', { init: [{ name: 'migrate', limit: '128Mi', state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] })],
      MIGRATE,
      { state: 'oom-killed', pod: 'b', detail: 'pod b: init container `migrate` was OOMKilled again (exit 137) under the new 128Mi limit' },
    ],
    [
      'a new pod killed without the approved limit: the patch is not what ran',
      [newPod('b', { init: [{ name: 'migrate', limit: '64Mi', state: waiting('CrashLoopBackOff'), lastState: oomKilled() }] })],
      MIGRATE,
      { state: 'unpatched', pod: 'b', limit: '64Mi', detail: `pod b: init container \`migrate\` was OOMKilled again (exit 137) at ${KILLED_AT} with limits.memory 64Mi, not the approved 128Mi` },
    ],
    [
      'the same limit written another way is the approved one',
      [newPod('b', { init: [{ name: 'migrate', limit: '134217728', state: waiting('CrashLoopBackOff'), lastState: oomKilled() }] })],
      MIGRATE,
      { state: 'oom-killed', pod: 'b', detail: expect.stringMatching(/under the new 128Mi limit$/) as string },
    ],
    ['one OOM kill fails fast even if another new pod is initialized', [initialized('a'), oomAgain('b')], MIGRATE, { state: 'oom-killed', pod: 'b', detail: expect.stringMatching(/^pod b: /) as string }],
    ['an OOM kill of another container is not the one watched', [newPod('b', { init: [{ name: 'migrate', state: running() }, { name: 'warm', lastState: oomKilled() }] })], MIGRATE, { state: 'pending', detail: 'pod b: Init:0/2' }],
    [
      'an app container being watched',
      [newPod('b', { phase: 'Running', app: [{ name: 'app', limit: '128Mi', lastState: oomKilled() }], conditions: conditions({ Initialized: true }) })],
      { kind: 'app', name: 'app' },
      { state: 'oom-killed', pod: 'b', detail: `pod b: app container \`app\` was OOMKilled again (exit 137) at ${KILLED_AT} under the new 128Mi limit` },
    ],
    ['a pod without a uid is not counted', [{ ...initialized('b'), metadata: { name: 'b' } }], MIGRATE, { state: 'pending', detail: 'no new pod yet' }],
  ])('%s', (_case, pods, container, expected) => {
    expect(evaluateRollout(pods, [OLD_UID], container, '128Mi')).toEqual(expected);
  });
});

describe('pending details read like kubectl get pods', () => {
  test.each<[string, Pod, string]>([
    ['init container running', newPod('b'), 'pod b: Init:0/1'],
    ['init container not started', newPod('b', { init: [{ name: 'migrate', state: waiting('PodInitializing') }] }), 'pod b: Init:0/1'],
    [
      'first of two init containers done',
      newPod('b', { init: [{ name: 'fetch', state: terminated(0, 'Completed') }, { name: 'migrate', state: running() }] }),
      'pod b: Init:1/2',
    ],
    ['init container crash-looping', newPod('b', { init: [{ name: 'migrate', state: waiting('CrashLoopBackOff'), lastState: terminated(1, 'Error') }] }), 'pod b: Init:CrashLoopBackOff'],
    ['init container failed', newPod('b', { init: [{ name: 'migrate', state: terminated(1, 'Error') }] }), 'pod b: Init:Error'],
    ['init container failed without a reason', newPod('b', { init: [{ name: 'migrate', state: terminated(2) }] }), 'pod b: Init:ExitCode:2'],
    ['image pull failing', newPod('b', { init: [{ name: 'migrate', state: waiting('ImagePullBackOff') }] }), 'pod b: Init:ImagePullBackOff'],
    [
      'not scheduled',
      newPod('b', {
        init: [{ name: 'migrate', noStatus: true }],
        app: [{ name: 'app', noStatus: true }],
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
      }),
      'pod b: Pending (Unschedulable)',
    ],
    ['scheduled, no statuses yet', newPod('b', { init: [{ name: 'migrate', noStatus: true }], app: [{ name: 'app', noStatus: true }], conditions: conditions({ PodScheduled: true }) }), 'pod b: Pending'],
    ['no status at all', newPod('b', { noStatus: true }), 'pod b: Init:0/1'],
    [
      'no init containers, app not started',
      newPod('b', { init: [], app: [{ name: 'app', state: waiting('ContainerCreating') }], conditions: conditions({ PodScheduled: true }) }),
      'pod b: ContainerCreating',
    ],
  ])('%s', (_case, pod, detail) => {
    expect(evaluateRollout([pod], [OLD_UID], MIGRATE, '128Mi')).toEqual({ state: 'pending', detail });
  });

  test('several new pods are listed, up to three', () => {
    const pods = ['a', 'b', 'c', 'd', 'e'].map((name) => newPod(name));
    expect(evaluateRollout(pods, [], MIGRATE, '128Mi')).toEqual({
      state: 'pending',
      detail: 'pod a: Init:0/1; pod b: Init:0/1; pod c: Init:0/1; and 2 more',
    });
  });
});

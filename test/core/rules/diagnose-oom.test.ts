import type { Pod } from '../../../src/core/k8s-types.js';
import { diagnoseOom } from '../../../src/core/rules/diagnose-oom.js';
import { conditions, KILLED_AT, makePod, oomKilled, running, seedPod, terminated, waiting } from './pod-factory.js';

const Mi = 1024 ** 2;

test('the seed case: init container migrate OOMKilled at 64Mi, in CrashLoopBackOff', () => {
  expect(diagnoseOom(seedPod())).toEqual({
    verdict: 'oom-killed',
    container: {
      name: 'migrate',
      kind: 'init',
      source: 'lastState',
      exitCode: 137,
      reason: 'OOMKilled',
      killedAt: KILLED_AT,
      restartCount: 4,
      image: 'registry.example.com/shop/migrate:1.8.2',
      limit: '64Mi',
      request: '32Mi',
      limitBytes: 64 * Mi,
      requestBytes: 32 * Mi,
    },
    others: [],
    summary: 'init container `migrate` was OOMKilled (exit 137) at its 64Mi memory limit; 4 restarts',
  });
});

describe('which container and which verdict', () => {
  const init = (name: string, extra: object) => ({ name, limit: '64Mi', ...extra });
  test.each<[string, Pod, 'oom-killed' | 'killed', string, 'init' | 'app', 'state' | 'lastState', string[]]>([
    ['init OOMKilled in state', makePod({ init: [init('migrate', { state: oomKilled() })] }), 'oom-killed', 'migrate', 'init', 'state', []],
    ['OOMKilled with another exit code', makePod({ init: [init('migrate', { state: oomKilled(0) })] }), 'oom-killed', 'migrate', 'init', 'state', []],
    ['app OOMKilled', makePod({ app: [{ name: 'app', lastState: oomKilled(), restartCount: 1 }] }), 'oom-killed', 'app', 'app', 'lastState', []],
    ['init exit 137 without OOMKilled', makePod({ init: [init('migrate', { lastState: terminated(137, 'Error') })] }), 'killed', 'migrate', 'init', 'lastState', []],
    ['app exit 137 with no reason', makePod({ app: [{ name: 'app', state: terminated(137) }] }), 'killed', 'app', 'app', 'state', []],
    [
      'app OOMKilled beats init 137',
      makePod({ init: [init('migrate', { lastState: terminated(137, 'Error') })], app: [{ name: 'app', lastState: oomKilled() }] }),
      'oom-killed', 'app', 'app', 'lastState', ['migrate'],
    ],
    [
      'init OOMKilled beats app OOMKilled',
      makePod({ init: [init('migrate', { lastState: oomKilled() })], app: [{ name: 'app', lastState: oomKilled() }] }),
      'oom-killed', 'migrate', 'init', 'lastState', ['app'],
    ],
    [
      'init 137 beats app 137',
      makePod({ init: [init('migrate', { state: terminated(137, 'Error') })], app: [{ name: 'app', lastState: terminated(137, 'Error') }] }),
      'killed', 'migrate', 'init', 'state', ['app'],
    ],
    [
      'two OOMKilled init containers keep their order',
      makePod({ init: [init('fetch', { lastState: oomKilled() }), init('migrate', { lastState: oomKilled() })] }),
      'oom-killed', 'fetch', 'init', 'lastState', ['migrate'],
    ],
    [
      'OOMKilled in lastState beats 137 in state',
      makePod({ init: [init('migrate', { state: terminated(137, 'Error'), lastState: oomKilled() })] }),
      'oom-killed', 'migrate', 'init', 'lastState', [],
    ],
    [
      'state beats lastState when both are OOMKilled',
      makePod({ init: [init('migrate', { state: oomKilled(), lastState: oomKilled() })] }),
      'oom-killed', 'migrate', 'init', 'state', [],
    ],
    [
      'all four ranks, in order',
      makePod({
        init: [init('a', { lastState: terminated(137) }), init('b', { lastState: oomKilled() })],
        app: [{ name: 'c', lastState: terminated(137) }, { name: 'd', lastState: oomKilled() }],
      }),
      'oom-killed', 'b', 'init', 'lastState', ['d', 'a', 'c'],
    ],
  ])('%s', (_case, pod, verdict, name, kind, source, others) => {
    const diagnosis = diagnoseOom(pod);
    expect(diagnosis.verdict).toBe(verdict);
    if (diagnosis.verdict === 'not-oom') throw new Error('expected a kill');
    expect(diagnosis.container).toMatchObject({ name, kind, source });
    expect(diagnosis.others.map((c) => c.name)).toEqual(others);
  });
});

describe('container facts', () => {
  test.each<[string, Pod, object]>([
    ['no memory limit', makePod({ init: [{ name: 'migrate', lastState: oomKilled() }] }), { limit: null, request: null, limitBytes: null, requestBytes: null }],
    ['limit in bytes', makePod({ init: [{ name: 'migrate', limit: '67108864', lastState: oomKilled() }] }), { limit: '67108864', limitBytes: 64 * Mi }],
    ['unparseable limit', makePod({ init: [{ name: 'migrate', limit: 'lots', lastState: oomKilled() }] }), { limit: 'lots', limitBytes: null }],
    ['no finishedAt', makePod({ init: [{ name: 'migrate', lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] }), { killedAt: null }],
  ])('%s', (_case, pod, facts) => {
    const diagnosis = diagnoseOom(pod);
    if (diagnosis.verdict === 'not-oom') throw new Error(diagnosis.reason);
    expect(diagnosis.container).toMatchObject(facts);
  });

  test('a status without a matching spec container has no limit and keeps the status image', () => {
    const pod = makePod({ init: [{ name: 'migrate', limit: '64Mi', lastState: oomKilled() }] });
    pod.spec.initContainers = [];
    const diagnosis = diagnoseOom(pod);
    if (diagnosis.verdict === 'not-oom') throw new Error(diagnosis.reason);
    expect(diagnosis.container).toMatchObject({ limit: null, image: 'registry.example.com/shop/migrate:1.8.2' });
  });

  test('no image anywhere is null', () => {
    const pod = makePod({ init: [{ name: 'migrate', lastState: oomKilled() }] });
    delete pod.spec.initContainers?.[0]?.image;
    delete pod.status?.initContainerStatuses?.[0]?.image;
    const diagnosis = diagnoseOom(pod);
    expect(diagnosis.verdict !== 'not-oom' && diagnosis.container.image).toBeNull();
  });
});

describe('summaries', () => {
  test.each<[string, Pod, string]>([
    [
      'OOMKilled without a limit points at the node',
      makePod({ init: [{ name: 'migrate', lastState: oomKilled(), restartCount: 1 }] }),
      'init container `migrate` was OOMKilled (exit 137) with no memory limit set, so node memory pressure, not a container limit; 1 restart',
    ],
    [
      'a SIGKILL for another cause says so',
      makePod({ app: [{ name: 'app', limit: '256Mi', lastState: terminated(137, 'Error'), restartCount: 2 }] }),
      'app container `app` was killed by SIGKILL (exit 137, reason Error) but not OOMKilled: another cause such as a failed liveness probe, preemption or a manual kill, not its memory limit; 2 restarts',
    ],
    [
      'a SIGKILL without a reason',
      makePod({ init: [{ name: 'migrate', state: terminated(137) }] }),
      'init container `migrate` was killed by SIGKILL (exit 137) but not OOMKilled: another cause such as a failed liveness probe, preemption or a manual kill, not its memory limit; 0 restarts',
    ],
  ])('%s', (_case, pod, summary) => {
    const diagnosis = diagnoseOom(pod);
    expect(diagnosis.verdict !== 'not-oom' && diagnosis.summary).toBe(summary);
  });
});

describe('not an OOM kill: says what is wrong, or that nothing is', () => {
  const unscheduled = makePod({
    phase: 'Pending',
    app: [{ name: 'app', noStatus: true }],
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }],
  });
  const noStatus = makePod({ noStatus: true });
  const emptyStatus: Pod = { ...noStatus, status: {} };
  const longMessage = `Back-off pulling image\n"registry.example.com/shop/migrate:1.8.3": ${'x'.repeat(300)}`;

  test.each<[string, Pod, string]>([
    [
      'an app crash loop',
      makePod({ app: [{ name: 'app', state: waiting('CrashLoopBackOff', 'back-off 5m0s'), lastState: terminated(1, 'Error'), restartCount: 7 }] }),
      'app container `app` exited 1 (Error) and is in CrashLoopBackOff — a crash, not an OOM kill',
    ],
    [
      'a crash loop without a reason',
      makePod({ app: [{ name: 'app', state: waiting('CrashLoopBackOff'), lastState: terminated(3) }] }),
      'app container `app` exited 3 and is in CrashLoopBackOff — a crash, not an OOM kill',
    ],
    [
      'a crash loop with no last state',
      makePod({ app: [{ name: 'app', state: waiting('CrashLoopBackOff') }] }),
      'app container `app` is in CrashLoopBackOff — a crash, not an OOM kill',
    ],
    [
      'an init container that cannot pull its image',
      makePod({
        phase: 'Pending',
        init: [{ name: 'migrate', state: waiting('ImagePullBackOff', 'Back-off pulling image "registry.example.com/shop/migrate:1.8.3"') }],
        app: [{ name: 'app', state: waiting('PodInitializing') }],
      }),
      'init container `migrate` is waiting: ImagePullBackOff (Back-off pulling image "registry.example.com/shop/migrate:1.8.3")',
    ],
    [
      'an init container that failed',
      makePod({ phase: 'Pending', init: [{ name: 'migrate', state: terminated(2, 'Error') }], app: [{ name: 'app', state: waiting('PodInitializing') }] }),
      'init container `migrate` exited 2 (Error) — a failure, not an OOM kill',
    ],
    [
      'an app that crashed before and runs now',
      makePod({ app: [{ name: 'app', state: running(), lastState: terminated(1, 'Error'), restartCount: 2, ready: true }] }),
      'app container `app` last exited 1 (Error) and restarted 2 times — a crash, not an OOM kill',
    ],
    ['an unscheduled pod', unscheduled, 'pod `orders-api-7d9f8b6c5d-x2k4p` is Pending, not scheduled: Unschedulable (0/3 nodes are available: 3 Insufficient memory.)'],
    [
      'a pending pod whose containers are being created',
      makePod({ phase: 'Pending', app: [{ name: 'app', state: waiting('ContainerCreating') }], conditions: conditions({ PodScheduled: true }) }),
      'pod `orders-api-7d9f8b6c5d-x2k4p` is Pending and no container was OOMKilled or killed with exit 137',
    ],
    ['a healthy pod', makePod(), 'pod `orders-api-7d9f8b6c5d-x2k4p` is Running and Ready; no container was OOMKilled or killed with exit 137'],
    [
      'a running pod that is not ready',
      makePod({ app: [{ name: 'app', ready: false }], conditions: conditions({ Initialized: true, Ready: false }) }),
      'pod `orders-api-7d9f8b6c5d-x2k4p` is Running but not Ready (not ready: `app`); no container was OOMKilled or killed with exit 137 — check its readiness probe',
    ],
    ['no status yet', noStatus, 'pod `orders-api-7d9f8b6c5d-x2k4p` has no status yet: it has not been scheduled or the kubelet has not reported on it'],
    ['an empty status', emptyStatus, 'pod `orders-api-7d9f8b6c5d-x2k4p` has no status yet: it has not been scheduled or the kubelet has not reported on it'],
    [
      'an evicted pod',
      makePod({ phase: 'Failed', reason: 'Evicted', app: [{ name: 'app', noStatus: true }] }),
      "pod `orders-api-7d9f8b6c5d-x2k4p` was evicted by its node — no container was OOMKilled; check the node's memory or disk pressure",
    ],
    ['a completed pod', makePod({ phase: 'Succeeded', app: [{ name: 'app', state: terminated(0, 'Completed') }] }), 'pod `orders-api-7d9f8b6c5d-x2k4p` has Succeeded; no container was OOMKilled or killed with exit 137'],
    [
      'a failed pod with a reason',
      makePod({ phase: 'Failed', reason: 'DeadlineExceeded', app: [{ name: 'app', noStatus: true }] }),
      'pod `orders-api-7d9f8b6c5d-x2k4p` is Failed: DeadlineExceeded; no container was OOMKilled or killed with exit 137',
    ],
    [
      'a pod with conditions but no phase',
      { ...noStatus, status: { conditions: conditions({ PodScheduled: true }) } },
      'pod `orders-api-7d9f8b6c5d-x2k4p` is in an unknown phase; no container was OOMKilled or killed with exit 137',
    ],
  ])('%s', (_case, pod, reason) => {
    expect(diagnoseOom(pod)).toEqual({ verdict: 'not-oom', reason });
  });

  test('a long, multi-line waiting message is cut to one line', () => {
    const diagnosis = diagnoseOom(makePod({ init: [{ name: 'migrate', state: waiting('ErrImagePull', longMessage) }] }));
    if (diagnosis.verdict !== 'not-oom') throw new Error('expected not-oom');
    expect(diagnosis.reason).not.toMatch(/\n/);
    expect(diagnosis.reason).toMatch(/^init container `migrate` is waiting: ErrImagePull \(Back-off pulling image "registry\.example\.com\/shop\/migrate:1\.8\.3": x+…\)$/);
    expect(diagnosis.reason.length).toBeLessThan(240);
  });
});

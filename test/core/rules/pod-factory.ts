import type { ContainerSpec, ContainerState, ContainerStatus, Pod, PodCondition, Workload } from '../../../src/core/k8s-types.js';

/** Small builders for the pod JSON the rules read, shaped like what `kubectl get pod -o json` prints. */

export const KILLED_AT = '2026-11-27T22:40:05Z';

export interface ContainerFixture {
  name: string;
  image?: string;
  limit?: string;
  request?: string;
  state?: ContainerState;
  lastState?: ContainerState;
  restartCount?: number;
  ready?: boolean;
  /** The kubelet has not reported this container yet. */
  noStatus?: boolean;
}

export interface PodFixture {
  name?: string;
  uid?: string;
  phase?: string;
  reason?: string;
  init?: ContainerFixture[];
  app?: ContainerFixture[];
  conditions?: PodCondition[];
  deletionTimestamp?: string;
  noStatus?: boolean;
}

export const oomKilled = (exitCode = 137, finishedAt = KILLED_AT): ContainerState => ({
  terminated: { exitCode, reason: 'OOMKilled', startedAt: '2026-11-27T22:40:01Z', finishedAt },
});

export const terminated = (exitCode: number, reason?: string): ContainerState => ({
  terminated: { exitCode, ...(reason ? { reason } : {}), startedAt: '2026-11-27T22:40:01Z', finishedAt: KILLED_AT },
});

export const waiting = (reason: string, message?: string): ContainerState => ({ waiting: { reason, ...(message ? { message } : {}) } });

export const running = (): ContainerState => ({ running: { startedAt: '2026-11-27T22:41:00Z' } });

/** Pod conditions from a map such as `{ Initialized: true, Ready: false }`. */
export function conditions(map: Record<string, boolean>): PodCondition[] {
  return Object.entries(map).map(([type, ok]) => ({ type, status: ok ? 'True' : 'False', lastTransitionTime: '2026-11-27T22:40:00Z' }));
}

function spec(c: ContainerFixture): ContainerSpec {
  const resources = {
    ...(c.limit ? { limits: { memory: c.limit, cpu: '500m' } } : {}),
    ...(c.request ? { requests: { memory: c.request, cpu: '100m' } } : {}),
  };
  return { name: c.name, image: c.image ?? `registry.example.com/shop/${c.name}:1.8.2`, ...(c.limit || c.request ? { resources } : {}) };
}

function status(c: ContainerFixture): ContainerStatus {
  return {
    name: c.name,
    image: c.image ?? `registry.example.com/shop/${c.name}:1.8.2`,
    ready: c.ready ?? false,
    restartCount: c.restartCount ?? 0,
    state: c.state ?? running(),
    ...(c.lastState ? { lastState: c.lastState } : { lastState: {} }),
  };
}

export function makePod(f: PodFixture = {}): Pod {
  const init = f.init ?? [];
  const app = f.app ?? [{ name: 'app', state: running(), ready: true }];
  const reported = (list: ContainerFixture[]) => list.filter((c) => !c.noStatus).map(status);
  return {
    metadata: {
      name: f.name ?? 'orders-api-7d9f8b6c5d-x2k4p',
      namespace: 'shop',
      uid: f.uid ?? '5f0c7b8e-0d41-4c7a-9a55-2b1f6f1d9e01',
      creationTimestamp: '2026-11-27T22:39:58Z',
      labels: { app: 'orders-api', 'pod-template-hash': '7d9f8b6c5d' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'orders-api-7d9f8b6c5d', controller: true }],
      ...(f.deletionTimestamp ? { deletionTimestamp: f.deletionTimestamp } : {}),
    },
    spec: { ...(init.length > 0 ? { initContainers: init.map(spec) } : {}), containers: app.map(spec) },
    ...(f.noStatus
      ? {}
      : {
          status: {
            phase: f.phase ?? 'Running',
            ...(f.reason ? { reason: f.reason } : {}),
            conditions: f.conditions ?? conditions({ Initialized: true, Ready: true, ContainersReady: true, PodScheduled: true }),
            ...(init.length > 0 ? { initContainerStatuses: reported(init) } : {}),
            containerStatuses: reported(app),
          },
        }),
  };
}

/** The seed's case: init container `migrate`, limit 64Mi, OOMKilled four times, now backing off. */
export const SEED_MIGRATE: ContainerFixture = {
  name: 'migrate',
  limit: '64Mi',
  request: '32Mi',
  state: waiting('CrashLoopBackOff', 'back-off 40s restarting failed container=migrate pod=orders-api-7d9f8b6c5d-x2k4p_shop'),
  lastState: oomKilled(),
  restartCount: 4,
};

export function seedPod(overrides: PodFixture = {}): Pod {
  return makePod({
    phase: 'Pending',
    init: [SEED_MIGRATE],
    app: [{ name: 'app', limit: '256Mi', request: '128Mi', state: waiting('PodInitializing') }],
    conditions: conditions({ Initialized: false, Ready: false, ContainersReady: false, PodScheduled: true }),
    ...overrides,
  });
}

/** The Deployment that owns the seed pod, with the given template containers. */
export function makeWorkload(init: ContainerFixture[] = [SEED_MIGRATE], app: ContainerFixture[] = [{ name: 'app', limit: '256Mi' }]): Workload {
  return {
    kind: 'Deployment',
    metadata: { name: 'orders-api', namespace: 'shop', uid: 'd6c1f7a2-3b4e-4f60-8a1d-7c9e0b2a4f11', generation: 3 },
    spec: {
      selector: { matchLabels: { app: 'orders-api' } },
      template: {
        metadata: { labels: { app: 'orders-api' } },
        spec: { ...(init.length > 0 ? { initContainers: init.map(spec) } : {}), containers: app.map(spec) },
      },
    },
  };
}

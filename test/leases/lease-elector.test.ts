import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { KubeLeaseClient } from '../../src/adapters/k8s/kube-lease-client.js';
import { isClusterError } from '../../src/core/cluster-error.js';
import type { Cluster, Leadership } from '../../src/core/ports.js';
import { guardWrites } from '../../src/runbook/guard-writes.js';
import { LeaseElector } from '../../src/runbook/lease-elector.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

/**
 * Leader election over the simulator's Leases (real HTTP, real optimistic locking), on a clock the
 * test moves: a leader renews, a standby waits a whole duration after the last renewal, a leader
 * that cannot renew stops acting at its renew deadline, two takers race and one wins.
 */
const log = pino({ level: 'silent' });
const LEASE = { name: 'oom-check', namespace: 'default' };
const DURATION_S = 15;

let sim: Simulator;
let proxy: FaultProxy;
beforeAll(async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: 0.001 });
  proxy = await startFaultProxy(sim.url);
});
afterAll(async () => {
  await proxy.close();
  await sim.close();
});

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }], currentContext: 'c' });
  return kc;
}

let leaseName = 0;
function electors(clock: ManualClock, server = sim.url) {
  const lease = { ...LEASE, name: `oom-check-${++leaseName}` };
  const changes: string[] = [];
  const make = (identity: string, via = server) =>
    new LeaseElector(
      { client: new KubeLeaseClient(kubeConfig(via), lease, 2_000), clock, log, onChange: (leading) => changes.push(`${identity} ${leading ? 'leads' : 'stands by'}`) },
      { cluster: 'c', identity, durationSeconds: DURATION_S },
    );
  const stored = () => new KubeLeaseClient(kubeConfig(sim.url), lease, 2_000).get();
  return { make, changes, stored };
}

test('the first process creates the Lease and leads; the second stands by and names the leader', async () => {
  const clock = new ManualClock();
  const { make, changes, stored } = electors(clock);
  const [a, b] = [make('host:1:aaaa'), make('host:2:bbbb')];
  expect(await a.tryOnce()).toBe(true);
  expect(await b.tryOnce()).toBe(false);
  expect(b.describe()).toBe('oom-check process host:1:aaaa');
  expect(await stored()).toMatchObject({ holder: 'host:1:aaaa', durationSeconds: DURATION_S, transitions: 0, renewTime: clock.now().toISOString() });
  expect(changes).toEqual(['host:1:aaaa leads']);
});

test('the leader renews every third of the duration; the standby takes over a whole duration after the last renewal, not before', async () => {
  const clock = new ManualClock();
  const { make, stored } = electors(clock);
  const [a, b] = [make('host:1:aaaa'), make('host:2:bbbb')];
  await a.tryOnce();
  await clock.advance(5_000);
  expect(await a.tryOnce()).toBe(true);
  const lastRenewal = clock.now().getTime();
  expect(await b.tryOnce()).toBe(false);
  // a dies here: it renews no more.
  await clock.advance(DURATION_S * 1000 - 1);
  expect(await b.tryOnce()).toBe(false);
  expect(a.leads()).toBe(false); // its renew deadline (2/3 of the duration) passed long ago
  await clock.advance(1);
  expect(clock.now().getTime() - lastRenewal).toBe(DURATION_S * 1000);
  expect(await b.tryOnce()).toBe(true);
  expect(await stored()).toMatchObject({ holder: 'host:2:bbbb', transitions: 1, acquireTime: clock.now().toISOString() });
  // The old leader, back from a pause, finds the Lease taken and does not lead.
  expect(await a.tryOnce()).toBe(false);
  expect(a.describe()).toBe('oom-check process host:2:bbbb');
});

test('a leader that cannot reach the API server keeps acting until its renew deadline, and not a moment longer', async () => {
  const clock = new ManualClock();
  const { make } = electors(clock);
  const a = make('host:1:aaaa', proxy.url);
  expect(await a.tryOnce()).toBe(true);
  proxy.rule(() => 'reset');
  try {
    await clock.advance(5_000);
    expect(await a.tryOnce()).toBe(true); // failed to renew, but within its deadline
    await clock.advance(a.renewDeadlineMs - 5_000 - 1);
    expect(a.leads()).toBe(true);
    await clock.advance(1);
    expect(a.leads()).toBe(false);
    expect(await a.tryOnce()).toBe(false);
  } finally {
    proxy.rule(() => 'pass');
  }
});

test('two standbys racing for an expired Lease: exactly one wins (the other gets 409 Conflict)', async () => {
  const clock = new ManualClock();
  const { make, stored } = electors(clock);
  await make('host:1:dead').tryOnce();
  await clock.advance(DURATION_S * 1000);
  const [b, c] = [make('host:2:bbbb'), make('host:3:cccc')];
  const won = await Promise.all([b.tryOnce(), c.tryOnce()]);
  expect(won.filter(Boolean)).toHaveLength(1);
  expect((await stored())?.holder).toBe(won[0] ? 'host:2:bbbb' : 'host:3:cccc');
});

test('a leader that stops releases the Lease: the standby takes it at its next try', async () => {
  const clock = new ManualClock();
  const { make, changes } = electors(clock);
  const [a, b] = [make('host:1:aaaa'), make('host:2:bbbb')];
  await a.tryOnce();
  await a.release();
  expect(a.leads()).toBe(false);
  expect(await b.tryOnce()).toBe(true);
  expect(changes).toEqual(['host:1:aaaa leads', 'host:1:aaaa stands by', 'host:2:bbbb leads']);
});

test('every write is checked against the Lease before it is sent: a standby\'s patch and delete never reach the API server', async () => {
  let leading = false;
  const leadership: Leadership = { leads: () => leading, describe: () => 'oom-check process host:1:aaaa' };
  const sent: string[] = [];
  const cluster = {
    name: 'c',
    patchWorkload: async () => (sent.push('patch'), {}),
    deletePod: async () => void sent.push('delete'),
    getPod: async () => (sent.push('get'), {}),
  } as unknown as Cluster;
  const guarded = guardWrites(cluster, leadership);
  const refused = await guarded.patchWorkload('shop', { kind: 'Deployment', name: 'checkout' }, {}, { dryRun: false, fieldManager: 'oom-check' }).catch((error: unknown) => error);
  expect(isClusterError(refused, 'NotLeader')).toBe(true);
  expect((refused as Error).message).toMatch(/patchWorkload shop\/Deployment checkout in cluster c was not sent: this process does not hold the cluster's Lease \(oom-check process host:1:aaaa acts there\)/);
  expect(isClusterError(await guarded.deletePod('shop', 'p-1').catch((error: unknown) => error), 'NotLeader')).toBe(true);
  await guarded.getPod('shop', 'p-1');
  expect(sent).toEqual(['get']);
  leading = true;
  await guarded.patchWorkload('shop', { kind: 'Deployment', name: 'checkout' }, {}, { dryRun: false, fieldManager: 'oom-check' });
  await guarded.deletePod('shop', 'p-1');
  expect(sent).toEqual(['get', 'patch', 'delete']);
  expect(guarded.name).toBe('c');
});

import { triageExit137, type Exit137Cause, type OomEvidence, type TriageEvent } from '../../../src/core/rules/triage-exit-137.js';

const ev = (reason: string, message: string, fieldPath?: string): TriageEvent => ({ type: 'Warning', reason, message, ...(fieldPath ? { involvedObject: { fieldPath } } : {}) });

const livenessKill = ev('Killing', 'Container migrate failed liveness probe, will be restarted', 'spec.initContainers{migrate}');
const startupKill = ev('Killing', 'Container migrate failed startup probe, will be restarted');
const unhealthy = ev('Unhealthy', 'Liveness probe failed: Get "http://10.244.0.19:8080/healthz": dial tcp 10.244.0.19:8080: connect: connection refused', 'spec.initContainers{migrate}');
const evictedMemory = ev(
  'Evicted',
  'The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container migrate was using 480Mi, request is 32Mi, has larger consumption of memory.',
);

describe('memory evidence decides first', () => {
  test.each<[string, OomEvidence, string]>([
    ['memory.events', { memoryEventsOomKills: 2 }, "exit 137 without OOMKilled, but its cgroup's memory.events counts 2 OOM kills: an OOM kill the container runtime did not record"],
    ['one kill', { memoryEventsOomKills: 1 }, "exit 137 without OOMKilled, but its cgroup's memory.events counts 1 OOM kill: an OOM kill the container runtime did not record"],
    ['the node', { nodeOomKill: true }, "exit 137 without OOMKilled, but the node's OOMKilling event names its process: an OOM kill the container runtime did not record"],
    [
      'all of it',
      { memoryEventsOomKills: 1, nodeOomKill: true, peakNearLimit: true },
      "exit 137 without OOMKilled, but its cgroup's memory.events counts 1 OOM kill and the node's OOMKilling event names its process and its measured memory peaked near its limit: an OOM kill the container runtime did not record",
    ],
  ])('%s', (_case, oomEvidence, why) => {
    // even with a liveness kill in the events: the memory evidence is the stronger statement
    expect(triageExit137({ events: [livenessKill], containerName: 'migrate', oomEvidence })).toEqual({ verdict: 'oom-kill', why });
  });
});

describe('otherwise the events', () => {
  test.each<[string, TriageEvent[], Exit137Cause, string]>([
    ['a liveness kill', [unhealthy, livenessKill], 'liveness-probe', 'the kubelet killed it for failing its liveness probe (Killing: Container migrate failed liveness probe, will be restarted); fix the probe or the slow start, not the memory limit'],
    ['a startup kill', [startupKill], 'startup-probe', 'the kubelet killed it for failing its startup probe (Killing: Container migrate failed startup probe, will be restarted); fix the probe or the slow start, not the memory limit'],
    [
      'eviction for node memory',
      [evictedMemory],
      'eviction',
      "the node ran low on memory and the kubelet evicted the pod (Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 52Mi. Container migrate was using 480Mi, request is 32Mi, has larger consumption of memory.); node memory pressure, not the container's limit: check the node and the pod's memory request",
    ],
    ['eviction for disk', [ev('Evicted', 'The node was low on resource: ephemeral-storage.')], 'eviction', 'the kubelet evicted the pod (Evicted: The node was low on resource: ephemeral-storage.); not its memory limit'],
    ['preemption', [ev('Preempted', 'Preempted by pod 1b2c3d on node node-a')], 'eviction', 'a higher-priority pod preempted it (Preempted: Preempted by pod 1b2c3d on node node-a); not its memory limit'],
    [
      'a failed preStop hook',
      [ev('FailedPreStopHook', 'PreStopHook failed')],
      'prestop-grace',
      'it was being stopped and outlived its grace period (FailedPreStopHook: PreStopHook failed); shorten the preStop hook or raise terminationGracePeriodSeconds',
    ],
    [
      'grace period exceeded',
      [ev('ExceededGracePeriod', 'Container runtime did not kill the pod within specified grace period.')],
      'prestop-grace',
      'it was being stopped and outlived its grace period (ExceededGracePeriod: Container runtime did not kill the pod within specified grace period.); shorten the preStop hook or raise terminationGracePeriodSeconds',
    ],
    [
      'stopped and killed after the grace period',
      [ev('Killing', 'Stopping container migrate')],
      'prestop-grace',
      'the kubelet stopped it (Killing: Stopping container migrate) and it exited 137, not 143: it was still running when terminationGracePeriodSeconds ran out and got SIGKILL',
    ],
    [
      'a failing probe without the kill event',
      [unhealthy],
      'liveness-probe',
      'its liveness probe was failing (Unhealthy: Liveness probe failed: Get "http://10.244.0.19:8080/healthz": dial tcp 10.244.0.19:8080: connect: connection refused); the kubelet kills a container after failureThreshold failures',
    ],
    ['a failing startup probe', [ev('Unhealthy', 'Startup probe failed: HTTP probe failed with statuscode: 503')], 'startup-probe', 'its startup probe was failing (Unhealthy: Startup probe failed: HTTP probe failed with statuscode: 503); the kubelet kills a container after failureThreshold failures'],
    ['a liveness kill outranks an eviction', [evictedMemory, livenessKill], 'liveness-probe', 'the kubelet killed it for failing its liveness probe (Killing: Container migrate failed liveness probe, will be restarted); fix the probe or the slow start, not the memory limit'],
  ])('%s', (_case, events, cause, why) => {
    expect(triageExit137({ events, containerName: 'migrate', oomEvidence: {} })).toEqual({ verdict: 'other', cause, why });
  });
});

describe("another container's events are not ours", () => {
  test.each<[string, TriageEvent[]]>([
    ['a liveness kill of app', [ev('Killing', 'Container app failed liveness probe, will be restarted')]],
    ['an Unhealthy event of app by fieldPath', [ev('Unhealthy', 'Liveness probe failed: timeout', 'spec.containers{app}')]],
    ['app being stopped', [ev('Killing', 'Stopping container app')]],
    ['unrelated events', [ev('Pulled', 'Container image "migrate:1.8.2" already present on machine'), ev('BackOff', 'Back-off restarting failed container')]],
  ])('%s', (_case, events) => {
    const result = triageExit137({ events, containerName: 'migrate', oomEvidence: {} });
    expect(result).toMatchObject({ verdict: 'other', cause: 'unknown' });
  });
});

describe('nothing explains it', () => {
  test('unknown says what to read', () => {
    expect(triageExit137({ events: [], containerName: 'migrate', oomEvidence: {} })).toEqual({
      verdict: 'other',
      cause: 'unknown',
      why: "no memory evidence and no event explains the SIGKILL: a manual kill, the container runtime, or an OOM kill whose evidence was not collected; read memory.events in the container and the node's kernel log (OOMKilling events)",
    });
  });

  test('a zero memory.events count is said', () => {
    const result = triageExit137({ events: [], containerName: 'migrate', oomEvidence: { memoryEventsOomKills: 0, nodeOomKill: false, peakNearLimit: false } });
    expect(result.why).toContain("its cgroup's memory.events counts no OOM kill");
  });
});

describe('hostile input never throws', () => {
  test.each<[string, unknown]>([
    ['null', null],
    ['events not a list', { events: 'Killing', containerName: 'migrate', oomEvidence: {} }],
    ['garbage events', { events: [null, 1, 'x', { reason: 7, message: { a: 1 } }, { involvedObject: null }], containerName: 'migrate', oomEvidence: null }],
    ['garbage evidence', { events: [], containerName: 42, oomEvidence: { memoryEventsOomKills: 'many', nodeOomKill: 'yes', peakNearLimit: 1 } }],
    ['NaN kills', { events: [], containerName: 'migrate', oomEvidence: { memoryEventsOomKills: NaN } }],
  ])('%s', (_case, input) => {
    expect(triageExit137(input as never)).toMatchObject({ verdict: 'other', cause: 'unknown' });
  });

  test('a long message is clipped to one line', () => {
    const result = triageExit137({ events: [ev('Evicted', `The node was low on resource: memory.\n${'x'.repeat(500)}`)], containerName: 'migrate', oomEvidence: {} });
    expect(result.why).not.toContain('\n');
    expect(result.why.length).toBeLessThan(450);
  });
});

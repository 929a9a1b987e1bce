/**
 * Exit 137 that is not an OOM kill (liveness-137): the kubelet's prober and kuberuntime's kill as
 * a client sees them: Unhealthy then Killing events, /healthz answering 500, the container
 * terminated with 137 / Error and restarted, no OOMKilling node event, and kube-state-metrics'
 * last terminated reason Error.
 */
import type { KubeEvent, Pod } from '../../src/sim/k8s-types.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { parseExposition, samplesOf } from '../support/prometheus-exposition.js';
import { call } from './helpers/api.js';

let sim: Simulator;
afterEach(async () => sim.close());

const notifier = () => sim.listObjects<Pod>('Pod', 'shop').find((p) => p.metadata.labels?.app === 'notifier') as Pod;
const eventsOf = (reason: string) => sim.listObjects<KubeEvent>('Event', 'shop').filter((e) => e.reason === reason);

test('liveness-137: Unhealthy x3, Killing, /healthz 500 during the grace period, then 137 / Error and a restart; no OOM anywhere', async () => {
  sim = await startSimulator({ scenario: 'liveness-137', timeScale: 0.01 });
  await sim.waitFor(() => eventsOf('Killing').length > 0, 20_000, 'Killing');
  const pod = notifier();
  // Killed at 50 s; SIGKILL comes 30 s later: the process still runs and still fails its probe.
  const health = await call(sim.url, 'GET', `/api/v1/namespaces/shop/pods/${pod.metadata.name}:8080/proxy/healthz`);
  expect([health.status, health.text]).toEqual([500, 'unhealthy: dependency check failed\n']);
  expect(pod.status.containerStatuses?.[0]?.state.running).toBeDefined();
  const unhealthy = eventsOf('Unhealthy');
  expect(unhealthy).toHaveLength(1);
  expect(unhealthy[0]).toMatchObject({ type: 'Warning', count: 3, message: 'Liveness probe failed: HTTP probe failed with statuscode: 500', source: { component: 'kubelet', host: 'sim-node-1' }, involvedObject: { fieldPath: 'spec.containers{app}' } });
  expect(eventsOf('Killing')[0]).toMatchObject({ type: 'Normal', message: 'Container app failed liveness probe, will be restarted', involvedObject: { fieldPath: 'spec.containers{app}' } });
  expect(pod.spec.containers[0]?.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });

  await sim.waitFor(() => (notifier().status.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 20_000, 'a restart');
  const status = notifier().status.containerStatuses?.[0];
  expect(status?.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  expect(status?.state.running).toBeDefined();
  expect(sim.listObjects<KubeEvent>('Event', 'default').filter((e) => e.reason === 'OOMKilling')).toEqual([]);
  const families = parseExposition(await (await fetch(`${sim.url}/metrics`)).text());
  const who = { namespace: 'shop', pod: pod.metadata.name, container: 'app' };
  expect(samplesOf(families, 'kube_pod_container_status_last_terminated_reason', who).map((s) => s.labels.reason)).toEqual(['Error']);
  expect(samplesOf(families, 'kube_pod_container_status_last_terminated_exitcode', who)[0]?.value).toBe(137);
});

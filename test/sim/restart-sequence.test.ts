/**
 * The seed pod's whole status history, replayed through a watch from the first resourceVersion, is
 * the kubelet's documented sequence for a container that crashes on every start (kuberuntime
 * doBackOff with client-go's flowcontrol.Backoff, kubernetes/kubernetes#133472): killed, restarted
 * at once (restartCount 1), killed again, then CrashLoopBackOff "back-off 10s" with restartCount 1,
 * restarted 10 s after it finished, killed, "back-off 20s", then 40s.
 */
import type { ContainerStatus, Pod } from '../../src/sim/k8s-types.js';
import { startSimulator, type Simulator } from '../../src/sim/start-simulator.js';
import { readWatch, type WatchEvent } from './helpers/watch.js';

const TIME_SCALE = 0.05;
let sim: Simulator;
afterEach(async () => sim.close());

/** One line per distinct state of the init container: what a person reading `-o yaml` would note. */
function describe(s: ContainerStatus): string {
  const state = s.state.running
    ? 'running'
    : s.state.terminated
      ? `terminated ${s.state.terminated.reason}/${s.state.terminated.exitCode}`
      : `waiting ${s.state.waiting?.reason}${s.state.waiting?.message ? ` ${/^back-off \S+/.exec(s.state.waiting.message)?.[0]}` : ''}`;
  const last = s.lastState.terminated ? ` last=${s.lastState.terminated.reason}` : '';
  return `${state} r${s.restartCount}${last}`;
}

test('seed: kill, immediate restart, kill, back-off 10s, 20s, 40s — step by step, with the promised spacing', async () => {
  sim = await startSimulator({ scenario: 'seed-oom', timeScale: TIME_SCALE });
  const steps: Array<{ line: string; at: number }> = [];
  const record = (event: WatchEvent<Pod>) => {
    const status = event.object.status.initContainerStatuses?.find((s) => s.name === 'migrate');
    if (!status || !event.object.metadata.labels?.app) return;
    const line = describe(status);
    if (steps.at(-1)?.line !== line) steps.push({ line, at: event.receivedMs });
  };
  let seen = 0;
  await readWatch<Pod>(`${sim.url}/api/v1/namespaces/shop/pods?watch=true&resourceVersion=1`, (events) => {
    for (const event of events.slice(seen)) if (event.type === 'MODIFIED') record(event);
    seen = events.length;
    return steps.some((s) => s.line.includes('back-off 40s'));
  });

  expect(steps.map((s) => s.line)).toEqual([
    'waiting PodInitializing r0',
    'running r0',
    'terminated OOMKilled/137 r0',
    'running r1 last=OOMKilled',
    'terminated OOMKilled/137 r1 last=OOMKilled',
    'waiting CrashLoopBackOff back-off 10s r1 last=OOMKilled',
    'running r2 last=OOMKilled',
    'terminated OOMKilled/137 r2 last=OOMKilled',
    'waiting CrashLoopBackOff back-off 20s r2 last=OOMKilled',
    'running r3 last=OOMKilled',
    'terminated OOMKilled/137 r3 last=OOMKilled',
    'waiting CrashLoopBackOff back-off 40s r3 last=OOMKilled',
  ]);
  // The first restart has no CrashLoopBackOff before it (the sequence above shows that); the next
  // ones come no sooner than their back-off after the kill (measured on arrival, so only lower bounds
  // hold on a loaded machine).
  const at = (prefix: string) => steps.find((s) => s.line.startsWith(prefix))?.at ?? Number.NaN;
  const simSeconds = (from: string, to: string) => (at(to) - at(from)) / 1000 / TIME_SCALE;
  expect(simSeconds('terminated OOMKilled/137 r1', 'running r2')).toBeGreaterThanOrEqual(9.5);
  expect(simSeconds('terminated OOMKilled/137 r2', 'running r3')).toBeGreaterThanOrEqual(19.5);
});

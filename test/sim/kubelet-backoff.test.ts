import { KubeletBackoff } from '../../src/sim/kubelet-backoff.js';

/**
 * Drives KubeletBackoff the way kuberuntime's doBackOff does: a container that runs `runs[i]`
 * seconds, crashes, and is looked at 1 s later (PLEG); returns how long after each crash it was
 * started again and the back-off its CrashLoopBackOff message named ('' when restarted at once).
 */
function restarts(runs: number[]): Array<[number, string]> {
  const backoff = new KubeletBackoff();
  let now = 0;
  return runs.map((run) => {
    now += run;
    const finished = now;
    now += 1;
    if (!backoff.isInBackOffSince('c', finished, now)) {
      backoff.next('c', now);
      return [now - finished, ''];
    }
    const window = backoff.get('c');
    now = finished + window;
    expect(backoff.isInBackOffSince('c', finished, now)).toBe(false);
    backoff.next('c', now);
    return [now - finished, `${window}s`];
  });
}

test.each<[string, number[], Array<[number, string]>]>([
  [
    'a quick crasher: the first restart is immediate, then 10s doubling to the 5 min cap',
    [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5],
    [[1, ''], [10, '10s'], [20, '20s'], [40, '40s'], [80, '80s'], [160, '160s'], [300, '300s'], [300, '300s']],
  ],
  ['a container that crashes after running more than 10 minutes is restarted at once every time', [700, 700, 700], [[1, ''], [1, ''], [1, '']]],
  ['a long healthy run forgets the back-off: the next crash restarts at once, the one after waits 10s', [2, 2, 2, 1000, 2], [[1, ''], [10, '10s'], [20, '20s'], [1, ''], [10, '10s']]],
])('%s', (_name, runs, expected) => {
  expect(restarts(runs)).toEqual(expected);
});

test('each container has its own back-off', () => {
  const backoff = new KubeletBackoff();
  backoff.next('a', 0);
  expect([backoff.get('a'), backoff.get('b')]).toEqual([10, 0]);
  expect(backoff.isInBackOffSince('b', 0, 1)).toBe(false);
  backoff.reset('a');
  expect(backoff.isInBackOffSince('a', 0, 1)).toBe(false);
});

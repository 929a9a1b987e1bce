import { Pacer } from '../../../src/adapters/slack/pacer.js';
import { ManualClock } from '../../fakes/manual-clock.js';

describe('Pacer, on a clock the test moves', () => {
  test('lets the burst through at once, then exactly the rate: never more than rate + burst in a second', async () => {
    const clock = new ManualClock();
    const start = clock.now().getTime();
    const perSecond = 50;
    const burst = 5;
    const pacer = new Pacer(perSecond, burst, clock);
    const released: number[] = [];
    const all = Promise.all(Array.from({ length: 60 }, () => pacer.take().then(() => released.push(clock.now().getTime() - start))));
    await clock.advance(0);
    expect(released).toEqual([0, 0, 0, 0, 0]);
    await clock.advance(2_000);
    await all;
    // The 60th call needs 55 refilled tokens: 1.1 s at 50 per second, to the millisecond.
    expect(released.at(-1)).toBe(1_100);
    for (let i = 0; i < released.length; i++) {
      expect(released.filter((at) => at >= released[i]! && at < released[i]! + 1000).length).toBeLessThanOrEqual(perSecond + burst);
    }
  });

  test('serves callers in order, urgent ones first', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(1000, 1, clock);
    const order: string[] = [];
    const all = Promise.all([
      ...[1, 2, 3].map((n) => pacer.take().then(() => order.push(`reply ${n}`))),
      ...[1, 2].map((n) => pacer.take(true).then(() => order.push(`card ${n}`))),
    ]);
    await clock.advance(100);
    await all;
    expect(order).toEqual(['reply 1', 'card 1', 'card 2', 'reply 2', 'reply 3']);
  });
});

import { Pacer } from '../../../src/adapters/slack/pacer.js';

describe('Pacer', () => {
  test('lets the burst through at once, then no more than the rate: never more than rate + burst in a second', async () => {
    const perSecond = 50;
    const burst = 5;
    const pacer = new Pacer(perSecond, burst);
    const released: number[] = [];
    const start = Date.now();
    await Promise.all(Array.from({ length: 60 }, () => pacer.take().then(() => released.push(Date.now() - start))));
    // The burst goes at once: well before the first refill would have let even one more through at a loaded machine's pace.
    expect(released.slice(0, burst).every((at) => at < 200)).toBe(true);
    // The 60th call needs 55 refilled tokens: at least 1.1 s at 50 per second.
    expect(released.at(-1)!).toBeGreaterThanOrEqual(((60 - burst) / perSecond) * 1000 - 5);
    for (let i = 0; i < released.length; i++) {
      expect(released.filter((at) => at >= released[i]! && at < released[i]! + 1000).length).toBeLessThanOrEqual(perSecond + burst);
    }
  });

  test('serves callers in order, urgent ones first', async () => {
    const pacer = new Pacer(1000, 1);
    const order: string[] = [];
    await Promise.all([
      ...[1, 2, 3].map((n) => pacer.take().then(() => order.push(`reply ${n}`))),
      ...[1, 2].map((n) => pacer.take(true).then(() => order.push(`card ${n}`))),
    ]);
    expect(order).toEqual(['reply 1', 'card 1', 'card 2', 'reply 2', 'reply 3']);
  });
});

import { Pacer } from '../../../src/adapters/slack/pacer.js';
import { SLACK_METHOD_LIMITS } from '../../../src/adapters/slack/slack-rate-limits.js';
import { ManualClock } from '../../fakes/manual-clock.js';

/** A WebClient rate-limit rejection, as the client throws it with rejectRateLimitedCalls. */
const rateLimited = (retryAfter: number) => Object.assign(new Error(`A rate-limit has been reached, you may retry this request in ${retryAfter} seconds`), { code: 'slack_webapi_rate_limited_error', retryAfter });

function released(pacer: Pacer, clock: ManualClock, calls: Array<[method: string, channel: string | null]>): { times: Map<string, number[]>; all: Promise<unknown> } {
  const start = clock.now().getTime();
  const times = new Map<string, number[]>();
  const all = Promise.all(
    calls.map(([method, channel]) =>
      pacer.take(method, channel).then(() => {
        const key = `${method} ${channel ?? ''}`;
        times.set(key, [...(times.get(key) ?? []), clock.now().getTime() - start]);
      }),
    ),
  );
  return { times, all };
}

describe('Pacer: per method tier and per channel, on a clock the test moves', () => {
  test('chat.update runs at Tier 3 (50 a minute after a burst of 5) while messages to two channels go at one a second each, neither waiting for the other', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(clock);
    const calls: Array<[string, string | null]> = [
      ...Array.from({ length: 8 }, (): [string, string] => ['chat.update', 'C1']),
      ...Array.from({ length: 5 }, (): [string, string] => ['chat.postMessage', 'C1']),
      ...Array.from({ length: 5 }, (): [string, string] => ['chat.postMessage', 'C2']),
    ];
    const { times, all } = released(pacer, clock, calls);
    await clock.advance(10_000);
    await all;
    expect(SLACK_METHOD_LIMITS['chat.update']).toMatchObject({ perMinute: 50, burst: 5, perChannel: false });
    // 5 at once, then one every 1.2 s (60 s / 50).
    expect(times.get('chat.update C1')).toEqual([0, 0, 0, 0, 0, 1200, 2400, 3600]);
    // 3 at once (a short burst), then one a second, per channel: C2 does not queue behind C1.
    expect(times.get('chat.postMessage C1')).toEqual([0, 0, 0, 1000, 2000]);
    expect(times.get('chat.postMessage C2')).toEqual([0, 0, 0, 1000, 2000]);
  });

  test('a method the table does not know is paced as Tier 2; the scale multiplies rates for a scaled replica', async () => {
    const clock = new ManualClock();
    const { times, all } = released(new Pacer(clock, { scale: 10 }), clock, Array.from({ length: 5 }, (): [string, null] => ['conversations.info', null]));
    await clock.advance(10_000);
    await all;
    // Tier 2 is 20 a minute (3 s apart); ten times faster, 300 ms.
    expect(times.get('conversations.info ')).toEqual([0, 0, 0, 300, 600]);
  });

  test('serves callers of one lane in order, urgent ones first', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(clock, { limits: { 'chat.postMessage': { perMinute: 60_000, burst: 1, perChannel: true } } });
    const order: string[] = [];
    const all = Promise.all([
      ...[1, 2, 3].map((n) => pacer.take('chat.postMessage', 'C1').then(() => order.push(`reply ${n}`))),
      ...[1, 2].map((n) => pacer.take('chat.postMessage', 'C1', true).then(() => order.push(`card ${n}`))),
    ]);
    await clock.advance(100);
    await all;
    expect(order).toEqual(['reply 1', 'card 1', 'card 2', 'reply 2', 'reply 3']);
  });

  test("a 429's Retry-After pauses that method only: the call is sent again after it, other methods and channels go on meanwhile", async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(clock);
    const start = clock.now().getTime();
    const sent: Array<{ what: string; at: number }> = [];
    let refused = false;
    const send = (what: string) => async () => {
      if (what === 'update 1' && !refused) {
        refused = true;
        sent.push({ what: `${what} (429)`, at: clock.now().getTime() - start });
        throw rateLimited(30);
      }
      sent.push({ what, at: clock.now().getTime() - start });
      return what;
    };
    const first = pacer.call('chat.update', 'C1', send('update 1'));
    await clock.advance(0);
    const others = Promise.all([
      pacer.call('chat.update', 'C1', send('update 2')),
      pacer.call('chat.postMessage', 'C1', send('message C1')),
      pacer.call('chat.postMessage', 'C2', send('message C2')),
      pacer.call('chat.postEphemeral', 'C1', send('ephemeral')),
    ]);
    await clock.advance(1_000);
    expect(sent).toEqual([
      { what: 'update 1 (429)', at: 0 },
      { what: 'message C1', at: 0 },
      { what: 'message C2', at: 0 },
      { what: 'ephemeral', at: 0 },
    ]);
    await clock.advance(31_000);
    await expect(first).resolves.toBe('update 1');
    await others;
    // chat.update waited the full 30 s, and the refused call went again first.
    expect(sent.slice(4)).toEqual([
      { what: 'update 1', at: 30_000 },
      { what: 'update 2', at: 30_000 + 1200 },
    ]);
  });

  test('a call refused more often than maxRetries fails with the rate-limit error; other errors are not retried', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(clock, { maxRetries: 2 });
    let attempts = 0;
    const always = pacer.call('chat.update', null, async () => {
      attempts++;
      throw rateLimited(1);
    });
    const outcome = expect(always).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error' });
    await clock.advance(10_000);
    await outcome;
    expect(attempts).toBe(3);
    let other = 0;
    await expect(pacer.call('chat.postMessage', 'C1', async () => {
      other++;
      throw new Error('channel_not_found');
    })).rejects.toThrow('channel_not_found');
    expect(other).toBe(1);
  });
});

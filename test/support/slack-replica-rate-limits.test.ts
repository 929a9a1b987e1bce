import { WebClient } from '@slack/web-api';
import { ReplicaRateLimiter, SLACK_DOCUMENTED_LIMITS } from './slack/replica-rate-limits.js';
import { startSlackReplica } from './slack/slack-replica.js';

describe("the Slack replica enforces Slack's limits per method and per channel (opt-in)", () => {
  test('chat.postMessage: a burst of 4 per channel, then one a second; another channel and another method are not held back', () => {
    let now = 0;
    const limiter = new ReplicaRateLimiter({ now: () => now });
    const post = (channel: string) => limiter.admit('chat.postMessage', { channel });
    expect([1, 2, 3, 4].map(() => post('C1'))).toEqual([null, null, null, null]);
    expect(post('C1')).toBe(1);
    expect(post('C2')).toBeNull();
    expect(limiter.admit('chat.update', { channel: 'C1' })).toBeNull();
    now = 1000;
    expect(post('C1')).toBeNull();
    expect(post('C1')).toBe(1);
  });

  test('chat.update is Tier 3 for the whole workspace: 10 at once, then 50 a minute; Retry-After says how long in whole seconds', () => {
    let now = 0;
    const limiter = new ReplicaRateLimiter({ now: () => now });
    for (let i = 0; i < 10; i++) expect(limiter.admit('chat.update', { channel: `C${i}` })).toBeNull();
    expect(limiter.admit('chat.update', { channel: 'C99' })).toBe(2);
    now = 1200;
    expect(limiter.admit('chat.update', { channel: 'C99' })).toBeNull();
    expect(SLACK_DOCUMENTED_LIMITS['chat.update']).toMatchObject({ perMinute: 50, perChannel: false });
    expect(limiter.admit('auth.test', {})).toBeNull();
  });

  test('over HTTP: 429 with Retry-After for the method over its limit only, recorded as rate-limited', async () => {
    const replica = await startSlackReplica({ rateLimits: { limits: { 'chat.update': { perMinute: 1, burst: 1, perChannel: false } } } });
    try {
      const client = new WebClient('xoxb-test', { slackApiUrl: replica.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
      const posted = await client.chat.postMessage({ channel: 'C1', text: 'card' });
      await client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'one' });
      await expect(client.chat.update({ channel: 'C1', ts: posted.ts!, text: 'two' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 60 });
      await client.chat.postMessage({ channel: 'C1', text: 'still goes', thread_ts: posted.ts! });
      expect(replica.rateLimited().map((call) => [call.method, call.status, call.response.error])).toEqual([['chat.update', 429, 'ratelimited']]);
      expect(replica.rateLimited()[0]!.faulted).toBe(true);
    } finally {
      await replica.close();
    }
  });
});

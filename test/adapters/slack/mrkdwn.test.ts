import { channelLink, fitText, joinMd, md, mention, plain, shorten, who } from '../../../src/adapters/slack/mrkdwn.js';
import { isSafeMrkdwn } from '../../slack/mrkdwn-checks.js';

describe('Slack mrkdwn, escaped once', () => {
  test.each([
    ['<!channel> <https://evil.example|click>', '&lt;!channel&gt; &lt;https://evil.example|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt; already an entity', '&amp;lt; already an entity'],
    ['plain', 'plain'],
  ])('md escapes the interpolated %p', (value, escaped) => {
    expect(md`go ${value}!`.text).toBe(`go ${escaped}!`);
  });

  test('a Mrkdwn value is interpolated as it is: nested templates never escape twice', () => {
    const inner = md`*${'<b>'}*`;
    expect(md`>> ${inner} ${joinMd([inner, plain('&')], ' & ')}`.text).toBe('>> *&lt;b&gt;* *&lt;b&gt;* &amp; &amp;');
  });

  test('Mrkdwn in an ordinary template string throws instead of being escaped again later', () => {
    const text = md`x`;
    expect(() => `${text as unknown as string}`).toThrow(/Mrkdwn used as a plain string/);
  });

  test.each([
    ['U0APPROVER', '<@U0APPROVER>'],
    ['W0123ABC', '<@W0123ABC>'],
    ['S0614TZR7', '<!subteam^S0614TZR7>'],
    ['!channel', '!channel'],
    ['U0X><!here', 'U0X&gt;&lt;!here'],
  ])('mention(%p) is %p', (id, text) => {
    expect(mention(id).text).toBe(text);
  });

  test.each([
    ['C0INCIDENT', '<#C0INCIDENT>'],
    ['C0X>|<!channel', 'C0X&gt;|&lt;!channel'],
  ])('channelLink(%p) is %p', (id, text) => {
    expect(channelLink(id).text).toBe(text);
  });

  test.each([
    ['slack:U0APPROVER', '<@U0APPROVER>'],
    ['oom-check', 'oom-check'],
    ['slack:<!channel>', 'slack:&lt;!channel&gt;'],
  ])('who(%p) is %p', (actor, text) => {
    expect(who(actor).text).toBe(text);
  });

  test.each([
    ['an entity', md`${'&'.repeat(100)}`],
    ['a mention', joinMd(Array.from({ length: 20 }, () => mention('U0APPROVER')), ' ')],
    ['a surrogate pair', md`${'😀'.repeat(100)}`],
  ])('fitText never cuts %s in half', (_what, text) => {
    for (let limit = 60; limit < 130; limit++) {
      const fitted = fitText(text, 7, limit).text;
      expect(fitted.length).toBeLessThanOrEqual(limit);
      expect(isSafeMrkdwn(fitted)).toBe(true);
      expect(fitted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(fitted).toMatch(/… \(truncated: the full text is in `\/oom-check export 7`\)$/);
    }
  });

  test('shorten cuts outside text before escaping, with an ellipsis', () => {
    expect(shorten('abcdef', 3)).toBe('abc…');
    expect(shorten('abc', 3)).toBe('abc');
    expect(shorten('a😀', 2)).toBe('a…');
  });
});

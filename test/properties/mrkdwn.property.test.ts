import fc from 'fast-check';
import { channelLink, escapeText, fitText, joinMd, md, mention, plain, shorten, type Mrkdwn } from '../../src/adapters/slack/mrkdwn.js';
import { isSafeMrkdwn } from '../slack/mrkdwn-checks.js';
import { anyText, runs } from './settings.js';

/** What Slack shows for escaped text: the three entities decoded, nothing else. */
const shown = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Mrkdwn built the ways the bot builds it: escaped strings, mentions, nested templates, joins. */
const mrkdwn: fc.Arbitrary<Mrkdwn> = fc.letrec<{ node: Mrkdwn }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyText().map(plain),
    anyText(20).map(mention),
    anyText(20).map(channelLink),
    fc.tuple(anyText(), tie('node')).map(([text, inner]) => md`*${text}* ${inner}`),
    fc.array(tie('node'), { maxLength: 4 }).map((parts) => joinMd(parts, ' · ')),
  ),
})).node;

describe('mrkdwn properties', () => {
  test('any text, escaped, shows exactly as it was and carries no markup', () => {
    fc.assert(
      fc.property(anyText(200), (text) => {
        const escaped = plain(text).text;
        expect(isSafeMrkdwn(escaped)).toBe(true);
        expect(shown(escaped)).toBe(text);
        expect(md`${text}`.text).toBe(escaped);
      }),
      runs(500),
    );
  });

  test('a Mrkdwn value interpolated again is not escaped again', () => {
    fc.assert(
      fc.property(anyText(), (text) => {
        expect(md`${md`${md`${text}`}`}`.text).toBe(escapeText(text));
        expect(joinMd([plain(text)], ',').text).toBe(escapeText(text));
      }),
      runs(300),
    );
  });

  test('whatever way it is built, Mrkdwn has no raw <, > or & outside the mentions it means', () => {
    fc.assert(
      fc.property(mrkdwn, (text) => {
        expect(isSafeMrkdwn(text.text)).toBe(true);
      }),
      runs(300),
    );
  });

  test('fitText stays within the limit, safe, and whole: no half entity, mention or surrogate pair', () => {
    fc.assert(
      fc.property(mrkdwn, fc.integer({ min: 60, max: 400 }), fc.integer({ min: 1, max: 1e6 }), (text, limit, incidentId) => {
        const fitted = fitText(text, incidentId, limit).text;
        expect(fitted.length).toBeLessThanOrEqual(limit);
        expect(isSafeMrkdwn(fitted)).toBe(true);
        if (text.text.length <= limit) expect(fitted).toBe(text.text);
        else expect(fitted.endsWith(`\`/oom-check export ${incidentId}\`)`)).toBe(true);
        const loneHighSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/;
        if (!loneHighSurrogate.test(text.text)) expect(fitted).not.toMatch(loneHighSurrogate);
      }),
      runs(300),
    );
  });

  test('shorten keeps a prefix of at most max characters and marks the cut', () => {
    fc.assert(
      fc.property(anyText(200), fc.integer({ min: 1, max: 100 }), (text, max) => {
        const short = shorten(text, max);
        if (text.length <= max) return expect(short).toBe(text);
        expect(short.endsWith('…')).toBe(true);
        expect(short.length).toBeLessThanOrEqual(max + 1);
        expect(text.startsWith(short.slice(0, -1))).toBe(true);
      }),
      runs(300),
    );
  });

  test('mentions are made only of valid ids; anything else is shown as text', () => {
    fc.assert(
      fc.property(anyText(30), (id) => {
        const made = [mention(id).text, channelLink(id).text];
        for (const text of made) {
          expect(isSafeMrkdwn(text)).toBe(true);
          if (text.startsWith('<')) expect(text).toMatch(/^<(@[UW]|!subteam\^S|#[CG])[A-Z0-9]+>$/);
          else expect(shown(text)).toBe(id);
        }
      }),
      runs(300),
    );
  });
});

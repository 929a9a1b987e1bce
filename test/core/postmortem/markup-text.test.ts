import { escapeMarkup } from '../../../src/core/postmortem/markup-text.js';

describe('escapeMarkup', () => {
  test.each([
    ['<script>alert("x")</script>', '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'],
    ["it's & more", 'it&#39;s &amp; more'],
    ['&amp; stays text', '&amp;amp; stays text'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    // Not allowed in XML at all: an SVG holding them would not parse.
    ['bell\u0007 escape\u001b form\u000c', 'bell escape form'],
    ['lone \ud800 surrogate, pair \ud83d\ude00 kept', 'lone  surrogate, pair \ud83d\ude00 kept'],
    ['64Mi → 128Mi', '64Mi → 128Mi'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeMarkup(input)).toBe(expected);
  });
});

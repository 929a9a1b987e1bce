import type { Incident } from '../../../src/core/incident.js';
import { renderPostmortemHtml } from '../../../src/core/postmortem/render-html.js';
import type { TimelineEvent } from '../../../src/core/timeline.js';
import { checkMarkup, type MarkupElement } from '../../support/check-markup.js';
import { expectGolden } from '../../golden.js';
import { hostileIncident } from './hostile-incident.js';
import { fixedIncident, HOSTILE, openIncident, seedIncident } from './sample-incidents.js';

const htmlOf = ({ incident, events }: { incident: Incident; events: readonly TimelineEvent[] }) => renderPostmortemHtml(incident, events);

/** Elements that load or run something, and attributes that point somewhere: none may be on the page. */
const LOADING_ELEMENTS = ['script', 'link', 'img', 'iframe', 'frame', 'object', 'embed', 'base', 'audio', 'video', 'source', 'image', 'use', 'foreignObject', 'form'];

function externalReferences(elements: readonly MarkupElement[]): string[] {
  return elements.flatMap((element) => [
    ...(LOADING_ELEMENTS.includes(element.name) ? [`<${element.name}>`] : []),
    ...Object.entries(element.attributes)
      // The SVG namespace is a name, not a request.
      .filter(([name, value]) => !(element.name === 'svg' && name === 'xmlns') && (/^on/i.test(name) || /(https?:|\/\/|url\()/i.test(value) || /^(src|href|xlink:href|srcset|action|poster)$/i.test(name)))
      .map(([name, value]) => `<${element.name} ${name}="${value}">`),
    ...(element.rawText !== undefined && /(url\(|@import|https?:)/i.test(element.rawText) ? [`<${element.name}> loads something`] : []),
  ]);
}

/** What the renderer writes: the page's elements and the chart's. */
const PAGE_ELEMENTS = [
  'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'section', 'h1', 'h2', 'p', 'dl', 'dt', 'dd', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'strong', 'span', 'pre',
  'svg', 'rect', 'line', 'text', 'path', 'circle', 'polyline',
];

describe('renderPostmortemHtml', () => {
  test('the fixed incident renders to its golden page', () => {
    expectGolden('postmortem/fixed.html', htmlOf(fixedIncident));
  });

  test.each([
    ['seed', seedIncident],
    ['fixed', fixedIncident],
    ['open', openIncident],
    ['hostile', hostileIncident],
  ])('the %s incident gives a well-formed page that loads nothing and runs nothing', (_name, sample) => {
    const html = htmlOf(sample);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"\/>/);
    const { problems, elements } = checkMarkup(html);
    expect(problems).toEqual([]);
    expect(externalReferences(elements)).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    // Should a later change add a fetch, the browser refuses it.
    expect(elements.find((element) => element.attributes['http-equiv'] === 'Content-Security-Policy')?.attributes.content).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    expect(elements.filter((element) => element.name === 'style')).toHaveLength(1);
  });

  test('the page holds the chart: the kill marker and every step', () => {
    const html = htmlOf(seedIncident);
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(checkMarkup(svg).problems).toEqual([]);
    for (const label of ['OOM kill', 'patch 64Mi → 128Mi', 'fix verified', 'budget 3:00', ...['detect', 'image-info', 'rss-peak', 'propose', 'approve', 'apply', 'wait', 'health']]) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(html).toContain('<h2>Key times</h2>');
    expect(html).toContain('<span class="del">- limits.memory: 64Mi</span>\n<span class="ins">+ limits.memory: 128Mi</span>');
  });

  test('hostile text from users and the cluster reads as text everywhere', () => {
    const html = htmlOf(hostileIncident);
    const escaped = HOSTILE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    expect(html).toContain(`<td>Note: ${escaped}</td>`);
    expect(html).toContain(`<h1>Postmortem: incident 43 — Deployment shop/${escaped}</h1>`);
    expect(html).not.toContain('<script>');
    // The hostile text added no element: the page is made of the renderer's own elements, and the
    // note's row has its five cells.
    const names = new Set(checkMarkup(html).elements.map((element) => element.name));
    expect([...names].filter((name) => !PAGE_ELEMENTS.includes(name))).toEqual([]);
    const noteRow = html.split('</tr>').find((row) => row.includes('Note: '));
    expect(noteRow?.match(/<td/g)).toHaveLength(5);
  });

  test('is deterministic', () => {
    expect(htmlOf(fixedIncident)).toBe(htmlOf(fixedIncident));
  });
});

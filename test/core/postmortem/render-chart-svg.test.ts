import type { Incident } from '../../../src/core/incident.js';
import { chartData } from '../../../src/core/postmortem/chart-data.js';
import { placeMarkerLabels, renderChartSvg } from '../../../src/core/postmortem/render-chart-svg.js';
import type { ChartMarker } from '../../../src/core/postmortem/chart-data.js';
import type { TimelineEvent } from '../../../src/core/timeline.js';
import { checkMarkup } from '../../support/check-markup.js';
import { expectGolden } from '../../golden.js';
import { hostileIncident } from './hostile-incident.js';
import { fixedIncident, HOSTILE, openIncident, seedIncident } from './sample-incidents.js';

const svgOf = ({ incident, events }: { incident: Incident; events: readonly TimelineEvent[] }) => renderChartSvg(chartData(incident, events));

/** The text content of every <text> element, unescaped. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) =>
    (match[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

describe('renderChartSvg', () => {
  test('the seed case renders to its golden SVG', () => {
    expectGolden('postmortem/seed-chart.svg', svgOf(seedIncident));
  });

  test.each([
    ['seed', seedIncident],
    ['fixed', fixedIncident],
    ['open', openIncident],
    ['hostile', hostileIncident],
  ])('the %s incident gives well-formed SVG with nothing but shapes and text', (_name, sample) => {
    const svg = svgOf(sample);
    const { problems, elements } = checkMarkup(svg);
    expect(problems).toEqual([]);
    expect(elements[0]?.name).toBe('svg');
    expect([...new Set(elements.map((element) => element.name))].sort()).toEqual(
      expect.arrayContaining(['rect', 'svg', 'text', 'title']),
    );
    for (const element of elements) {
      expect(['svg', 'title', 'rect', 'line', 'text', 'path', 'circle', 'polyline']).toContain(element.name);
      expect(Object.keys(element.attributes).filter((name) => /^on|href$/i.test(name))).toEqual([]);
    }
  });

  test('shows the kill, every step, the patch, the verification and the budget', () => {
    const svg = svgOf(seedIncident);
    const shown = texts(svg);
    expect(shown).toEqual(expect.arrayContaining(['OOM kill', 'killed at 64Mi', 'detected', 'patch 64Mi → 128Mi', 'fix verified', 'budget 3:00']));
    expect(shown).toEqual(expect.arrayContaining(['detect', 'image-info', 'rss-peak', 'propose', 'approve', 'apply', 'wait', 'health']));
    expect(shown).toEqual(expect.arrayContaining(['limit 64Mi', 'limit 128Mi', 'measured peak 63Mi', 'Fix verified 2:46 after the OOM kill: within the 3:00 budget.']));
    // The kill's cross sits on the old limit line at T+0.
    expect(svg).toMatch(/<path d="M\d+(\.\d)? \d+(\.\d)?L[^"]+" stroke="#c62828" stroke-width="3"\/>/);
  });

  test('a late fix says by how much it missed the budget, on an axis that runs past it', () => {
    const late = seedIncident.events.map((event) => (event.kind === 'incident.mitigated' ? { ...event, at: '2026-11-27T10:04:05.000Z' } : event));
    const shown = texts(renderChartSvg(chartData(seedIncident.incident, late)));
    expect(shown).toContain('Fix verified 4:45 after the OOM kill: 1:45 over the 3:00 budget.');
    expect(shown).toContain('+5:00');
  });

  test('hostile text is escaped: it reads as text and adds no element', () => {
    const svg = svgOf(hostileIncident);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const shown = texts(svg);
    // Labels are cut to fit, with their line breaks folded; the title element keeps the whole text.
    const oneLine = HOSTILE.replace('\n', ' ');
    expect(shown).toContain(`patch ${oneLine.slice(0, 33)}…`);
    expect(shown).toContain(`${oneLine.slice(0, 15)}…`);
    expect(shown.some((text) => text.startsWith(`Incident 43: Deployment shop/${oneLine.slice(0, 40)}`) && text.endsWith('…'))).toBe(true);
    expect(svg).toContain(`<title>Incident 43: Deployment shop/cells | split\nnew line \`code\` &lt;script&gt;`);
  });

  test('is deterministic', () => {
    expect(svgOf(seedIncident)).toBe(svgOf(seedIncident));
  });

  describe('marker labels', () => {
    const x = (t: number) => 132 + (t / 180) * 800;
    const overlapping = (placed: ReturnType<typeof placeMarkerLabels>) =>
      placed.flatMap((a, i) => placed.slice(i + 1).filter((b) => a.lane === b.lane && a.from < b.to && b.from < a.to).map((b) => `${a.text} / ${b.text}`));

    test('a fix within seconds: kill, detection, patch and verification each get a lane of their own', () => {
      const markers: ChartMarker[] = [
        { at: 0, kind: 'kill', label: 'OOM kill' },
        { at: 1, kind: 'detected', label: 'detected' },
        { at: 1.5, kind: 'patch', label: 'patch 64Mi → 176Mi' },
        { at: 5, kind: 'verified', label: 'fix verified' },
      ];
      const placed = placeMarkerLabels(markers, x);
      expect(placed.map((label) => [label.text, label.lane])).toEqual([['OOM kill', 0], ['detected', 1], ['patch 64Mi → 176Mi', 2], ['fix verified', 3]]);
      expect(overlapping(placed)).toEqual([]);
    });

    test('markers far apart share the top lane; one near the right edge reads leftwards', () => {
      const placed = placeMarkerLabels([{ at: 0, kind: 'kill', label: 'OOM kill' }, { at: 60, kind: 'patch', label: 'patch 64Mi → 128Mi' }, { at: 178, kind: 'verified', label: 'fix verified' }], x);
      expect(placed.map((label) => label.lane)).toEqual([0, 0, 0]);
      expect(placed[2]).toMatchObject({ anchor: 'end' });
      expect(placed[2]!.to).toBeLessThan(placed[2]!.px);
    });

    test('more markers than lanes: the extra one goes where the lane frees soonest', () => {
      const burst: ChartMarker[] = [0, 1, 2, 3].map((at) => ({ at, kind: 'patch', label: `patch ${at}` }));
      const placed = placeMarkerLabels([...burst, { at: 4, kind: 'verified', label: 'fix verified' }], x);
      expect(placed.map((label) => label.lane)).toEqual([0, 1, 2, 3, 0]);
    });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderIncidentChartPng } from '../../../src/adapters/render/render-incident-chart-png.js';
import { svgToPng } from '../../../src/adapters/render/svg-to-png.js';
import { chartData } from '../../../src/core/postmortem/chart-data.js';
import { renderChartSvg } from '../../../src/core/postmortem/render-chart-svg.js';
import { packageRoot } from '../../../src/paths.js';
import { hostileIncident } from '../../core/postmortem/hostile-incident.js';
import { openIncident, seedIncident } from '../../core/postmortem/sample-incidents.js';
import { decodePng } from '../../support/decode-png.js';

/** Distinct colours, and the share of pixels that are not the white background. */
function pixelStats(png: Buffer) {
  const { rgba } = decodePng(png);
  const colours = new Set<number>();
  let inked = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const [r = 0, g = 0, b = 0] = [rgba[i], rgba[i + 1], rgba[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 240 || g < 240 || b < 240) inked++;
  }
  return { colours: colours.size, inked: inked / (rgba.length / 4) };
}

describe('renderIncidentChartPng', () => {
  test('the seed case is a PNG twice the SVG\'s size, with the chart drawn on it', () => {
    const png = renderIncidentChartPng(seedIncident.incident, seedIncident.events);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR is the first chunk: its width and height follow the length and the type.
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    const svgHeight = Number(/height="(\d+)"/.exec(renderChartSvg(chartData(seedIncident.incident, seedIncident.events)))?.[1]);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1920, svgHeight * 2]);
    const { width, height } = decodePng(png);
    expect([width, height]).toEqual([1920, svgHeight * 2]);
    // The budget's green and red, the limits, the step bars, anti-aliased text: many colours, and a
    // good part of the picture is not background (the shaded budget alone is over a third).
    const stats = pixelStats(png);
    expect(stats.colours).toBeGreaterThan(50);
    expect(stats.inked).toBeGreaterThan(0.3);
  });

  test.each([
    ['an incident with nothing but its trigger', openIncident],
    ['hostile text', hostileIncident],
  ])('renders %s too', (_name, { incident, events }) => {
    const stats = pixelStats(renderIncidentChartPng(incident, events));
    expect(stats.colours).toBeGreaterThan(10);
    expect(stats.inked).toBeGreaterThan(0.1);
  });
});

test('the README\'s picture is the seed case\'s chart at the size the renderer makes now', () => {
  // Fonts differ between machines, so the bytes are not compared: a changed layout changes the
  // size. Regenerate with npm run docs:pictures.
  const docs = decodePng(readFileSync(join(packageRoot, 'docs', 'postmortem-chart.png')));
  const fresh = decodePng(renderIncidentChartPng(seedIncident.incident, seedIncident.events));
  expect([docs.width, docs.height]).toEqual([fresh.width, fresh.height]);
});

describe('svgToPng', () => {
  test('renders at the SVG\'s own size unless told a width', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="20" height="20" fill="#c62828"/></svg>';
    const small = decodePng(svgToPng(svg));
    expect([small.width, small.height]).toEqual([40, 20]);
    // Left half red, right half the white background.
    expect([...small.rgba.subarray(0, 4)]).toEqual([0xc6, 0x28, 0x28, 255]);
    expect([...small.rgba.subarray(39 * 4, 40 * 4)]).toEqual([255, 255, 255, 255]);
    const wide = decodePng(svgToPng(svg, { width: 400 }));
    expect([wide.width, wide.height]).toEqual([400, 200]);
  });

  test('refuses a document that is not SVG, loudly', () => {
    expect(() => svgToPng('<svg><rect></svg>')).toThrow();
  });
});

import { describeBytes } from '../rules/describe-bytes.js';
import type { ChartData, ChartMarker, ChartStep, StepState } from './chart-data.js';
import { byteScale, timeScale } from './chart-scale.js';
import { duration } from './markdown-text.js';
import { escapeMarkup } from './markup-text.js';

/*
 * The postmortem chart as SVG: a pure function of ChartData, the same bytes every time. Two panels
 * share the time axis (seconds from the kill): memory against the limit, then one bar per step.
 * Plain SVG 1.1 (no CSS, scripts, external fonts or images) so that browsers, the HTML page and
 * resvg (the PNG) all draw it alike. Every text from the data is escaped.
 */

const WIDTH = 960;
const LEFT = 132;
const RIGHT = 28;
const PLOT = WIDTH - LEFT - RIGHT;
const MARKER_TOP = 62;
const MARKER_LANES = 4;
const LANE_HEIGHT = 16;
/** DejaVu Sans Bold at 12 px is about 8 px a character: enough to tell whether two labels meet. */
const BOLD_CHAR_WIDTH = 8;
const MEMORY_HEIGHT = 210;
const STEP_ROW = 24;
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const COLORS = {
  text: '#1f2328',
  muted: '#59636e',
  grid: '#d8dee4',
  withinBudget: '#eaf6ec',
  overBudget: '#fbe9e7',
  oldLimit: '#c62828',
  newLimit: '#2e7d32',
  memory: '#1565c0',
  kill: '#c62828',
  detected: '#59636e',
  patch: '#1565c0',
  rollback: '#ef6c00',
  verified: '#2e7d32',
} as const;

const STATE_COLORS: Record<StepState, string> = {
  succeeded: '#43a047',
  failed: '#e53935',
  skipped: '#9e9e9e',
  waiting: '#ffb300',
  running: '#64b5f6',
};

const MARKER_COLORS: Record<ChartMarker['kind'], string> = {
  kill: COLORS.kill,
  detected: COLORS.detected,
  patch: COLORS.patch,
  rollback: COLORS.rollback,
  verified: COLORS.verified,
};

/** A white outline behind a label, so that a line crossing it does not cross out the words. */
const HALO = 'paint-order="stroke" stroke="#ffffff" stroke-width="4" stroke-linejoin="round"';

/** Text from the timeline can be any length: labels are cut to fit (the SVG's <title> keeps all of it). */
function clip(content: string, max: number): string {
  const chars = [...content.replace(/\s+/g, ' ')];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

const n = (value: number) => (Math.round(value * 10) / 10).toString();

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attributes ? ` ${attributes}` : ''}>${escapeMarkup(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}" stroke="${stroke}"${extra ? ` ${extra}` : ''}/>`;
}

function rect(x: number, y: number, width: number, height: number, fill: string, extra = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, width))}" height="${n(Math.max(0, height))}" fill="${fill}"${extra ? ` ${extra}` : ''}/>`;
}

function subtitle(data: ChartData): string {
  const budget = duration(data.budgetSeconds);
  const from = data.killKnown ? 'the OOM kill' : 'detection (the kill time was not recorded)';
  if (data.mitigatedAfter === null) return `No verified fix. Budget: ${budget} from ${from}.`;
  const verdict = data.budgetMet ? `within the ${budget} budget` : `${duration(data.mitigatedAfter - data.budgetSeconds)} over the ${budget} budget`;
  return `Fix verified ${duration(data.mitigatedAfter)} after ${from}: ${verdict}.`;
}

function memoryPanel(data: ChartData, x: (t: number) => number, xEnd: number, top: number): string[] {
  const bottom = top + MEMORY_HEIGHT;
  const values = [...data.limits.flatMap((span) => (span.bytes === null ? [] : [span.bytes])), ...data.memory.flatMap((series) => series.points.map((point) => point.bytes))];
  const parts: string[] = [text(LEFT - 8, top - 8, 'memory', `text-anchor="end" font-weight="bold"`)];
  if (values.length === 0 || Math.max(...values) <= 0) {
    parts.push(text(LEFT + PLOT / 2, top + MEMORY_HEIGHT / 2, 'No memory limit or sample in the timeline', `text-anchor="middle" fill="${COLORS.muted}"`));
    return parts;
  }
  const bytes = byteScale(Math.max(...values));
  const y = (value: number) => bottom - (value / bytes.max) * MEMORY_HEIGHT;
  for (const tick of bytes.ticks) {
    parts.push(line(LEFT, y(tick), xEnd, y(tick), COLORS.grid));
    parts.push(text(LEFT - 8, y(tick) + 4, describeBytes(tick), `text-anchor="end" fill="${COLORS.muted}"`));
  }
  data.limits.forEach((span, index) => {
    if (span.bytes === null) return;
    const color = index === 0 ? COLORS.oldLimit : COLORS.newLimit;
    parts.push(line(x(span.from), y(span.bytes), x(span.to), y(span.bytes), color, 'stroke-width="2" stroke-dasharray="8 4"'));
    const previous = data.limits[index - 1]?.bytes;
    if (previous !== undefined && previous !== null) parts.push(line(x(span.from), y(previous), x(span.from), y(span.bytes), color, 'stroke-width="1" stroke-dasharray="2 3"'));
    parts.push(text(x(span.from) + 6, y(span.bytes) - 6, `limit ${clip(span.text, 24)}`, `fill="${color}"`));
  });
  for (const series of data.memory) {
    const points = series.points.map((point) => `${n(x(point.at))},${n(y(point.bytes))}`);
    if (series.source === 'kill') {
      const [px, py] = [x(series.points[0]?.at ?? 0), y(series.points[0]?.bytes ?? 0)];
      parts.push(`<path d="M${n(px - 6)} ${n(py - 6)}L${n(px + 6)} ${n(py + 6)}M${n(px - 6)} ${n(py + 6)}L${n(px + 6)} ${n(py - 6)}" stroke="${COLORS.kill}" stroke-width="3"/>`);
      parts.push(text(px + 10, py + 16, `killed at ${describeBytes(series.points[0]?.bytes ?? 0)}`, `fill="${COLORS.kill}"`));
    } else if (series.source === 'rss-peak') {
      for (const point of series.points) {
        parts.push(`<circle cx="${n(x(point.at))}" cy="${n(y(point.bytes))}" r="4" fill="${COLORS.memory}"/>`);
        parts.push(text(x(point.at) + 8, y(point.bytes) + 14, `${series.label} ${describeBytes(point.bytes)}`, `fill="${COLORS.memory}"`));
      }
    } else {
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${COLORS.memory}" stroke-width="2"/>`);
    }
  }
  return parts;
}

function stepRows(steps: readonly ChartStep[], x: (t: number) => number, top: number): string[] {
  const parts: string[] = [text(LEFT - 8, top - 8, 'steps', `text-anchor="end" font-weight="bold"`)];
  if (steps.length === 0) parts.push(text(LEFT + PLOT / 2, top + 16, 'No step has run', `text-anchor="middle" fill="${COLORS.muted}"`));
  steps.forEach((step, index) => {
    const rowTop = top + index * STEP_ROW;
    if (index % 2 === 0) parts.push(rect(LEFT, rowTop, PLOT, STEP_ROW, '#f6f8fa'));
    parts.push(text(LEFT - 8, rowTop + 16, clip(step.name, 16), `text-anchor="end"`));
    const start = x(step.start);
    const width = Math.max(3, x(step.end) - start);
    parts.push(rect(start, rowTop + 5, width, STEP_ROW - 10, STATE_COLORS[step.state]));
    if (step.waitingFrom !== null && step.state !== 'waiting') {
      parts.push(rect(x(step.waitingFrom), rowTop + 5, Math.max(0, x(step.end) - x(step.waitingFrom)), STEP_ROW - 10, STATE_COLORS.waiting, 'fill-opacity="0.85"'));
    }
    // Right of the bar, or left of it when the bar reaches the right edge.
    const label = `${step.state} ${duration(step.end - step.start)}`;
    const right = start + width + 6;
    parts.push(right + 110 > LEFT + PLOT
      ? text(start - 6, rowTop + 16, label, `fill="${COLORS.muted}" text-anchor="end"`)
      : text(right, rowTop + 16, label, `fill="${COLORS.muted}"`));
  });
  return parts;
}

export interface PlacedLabel {
  marker: ChartMarker;
  /** The marker's line. */
  px: number;
  text: string;
  anchor: 'start' | 'end';
  /** 0 is the top lane. */
  lane: number;
  /** The pixels the text covers, estimated. */
  from: number;
  to: number;
}

/**
 * Marker labels in lanes above the plot: each on the first lane where it clears the labels before
 * it, so that markers seconds apart (a fast fix puts kill, detection, patch and verification within
 * a few pixels) stay legible. With every lane taken, the one that frees soonest.
 */
export function placeMarkerLabels(markers: readonly ChartMarker[], x: (t: number) => number): PlacedLabel[] {
  const laneEnds: number[] = Array.from({ length: MARKER_LANES }, () => -Infinity);
  return [...markers]
    .sort((a, b) => a.at - b.at)
    .map((marker) => {
      const px = x(marker.at);
      const label = clip(marker.label, 40);
      const width = [...label].length * BOLD_CHAR_WIDTH;
      const anchor = px > LEFT + PLOT - 160 ? 'end' : 'start';
      const [from, to] = anchor === 'end' ? [px - 4 - width, px - 4] : [px + 4, px + 4 + width];
      const free = laneEnds.findIndex((end) => end + 8 <= from);
      const lane = free >= 0 ? free : laneEnds.indexOf(Math.min(...laneEnds));
      laneEnds[lane] = Math.max(laneEnds[lane] ?? -Infinity, to);
      return { marker, px, text: label, anchor, lane, from, to };
    });
}

function markerLines(placed: readonly PlacedLabel[], bottom: number): string[] {
  return placed.flatMap(({ marker, px, text: label, anchor, lane }) => {
    const color = MARKER_COLORS[marker.kind];
    const labelY = MARKER_TOP + lane * LANE_HEIGHT;
    const width = marker.kind === 'kill' || marker.kind === 'verified' ? 2 : 1.5;
    return [
      line(px, labelY + 4, px, bottom, color, `stroke-width="${width}"${marker.kind === 'detected' ? ' stroke-dasharray="4 3"' : ''}`),
      text(anchor === 'end' ? px - 4 : px + 4, labelY, label, `fill="${color}" text-anchor="${anchor}" font-weight="bold" ${HALO}`),
    ];
  });
}

function legend(top: number): string[] {
  const items: Array<[string, string]> = [
    [COLORS.oldLimit, 'limit before'],
    [COLORS.newLimit, 'limit after'],
    [COLORS.memory, 'measured memory'],
    [STATE_COLORS.succeeded, 'succeeded'],
    [STATE_COLORS.failed, 'failed'],
    [STATE_COLORS.skipped, 'skipped'],
    [STATE_COLORS.waiting, 'waiting for a person'],
    [STATE_COLORS.running, 'unfinished'],
  ];
  let left = 16;
  return items.flatMap(([color, label]) => {
    const parts = [rect(left, top - 10, 12, 12, color), text(left + 17, top, label, `fill="${COLORS.muted}"`)];
    // DejaVu Sans at 12 px is about 7.4 px a character.
    left += 28 + label.length * 7.4;
    return parts;
  });
}

/** The chart as a standalone SVG document (also valid inline in HTML). */
export function renderChartSvg(data: ChartData): string {
  const time = timeScale(data.end);
  const x = (t: number) => LEFT + (Math.min(Math.max(t, 0), time.max) / time.max) * PLOT;
  const xEnd = LEFT + PLOT;
  const labels = placeMarkerLabels(data.markers, x);
  // As many label lanes as the markers need (two at least, beside the panel's name).
  const memoryTop = MARKER_TOP + Math.max(2, ...labels.map((label) => label.lane + 1)) * LANE_HEIGHT + 6;
  const stepsTop = memoryTop + MEMORY_HEIGHT + 40;
  const stepsBottom = stepsTop + Math.max(1, data.steps.length) * STEP_ROW;
  const axisY = stepsBottom + 18;
  const height = axisY + 58;
  const summary = `${data.title}. ${subtitle(data)}`;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" font-family="${FONT}" font-size="12" fill="${COLORS.text}">`,
    `<title>${escapeMarkup(summary)}</title>`,
    rect(0, 0, WIDTH, height, '#ffffff'),
    text(16, 26, clip(data.title, 92), 'font-size="16" font-weight="bold"'),
    text(16, 46, subtitle(data), `fill="${data.budgetMet === false || data.mitigatedAfter === null ? COLORS.kill : COLORS.text}"`),
    // The budget: from the kill to budgetSeconds, and what came after it.
    rect(x(0), memoryTop, x(data.budgetSeconds) - x(0), stepsBottom - memoryTop, COLORS.withinBudget),
    rect(x(data.budgetSeconds), memoryTop, xEnd - x(data.budgetSeconds), stepsBottom - memoryTop, COLORS.overBudget),
  ];
  for (const tick of time.ticks) {
    parts.push(line(x(tick), memoryTop, x(tick), stepsBottom, COLORS.grid));
    parts.push(text(x(tick), axisY, `+${duration(tick)}`, `text-anchor="middle" fill="${COLORS.muted}"`));
  }
  parts.push(text(LEFT + PLOT / 2, axisY + 20, data.killKnown ? 'minutes:seconds after the OOM kill' : 'minutes:seconds after detection', `text-anchor="middle" fill="${COLORS.muted}"`));
  parts.push(...memoryPanel(data, x, xEnd, memoryTop));
  parts.push(...stepRows(data.steps, x, stepsTop));
  parts.push(line(x(data.budgetSeconds), memoryTop, x(data.budgetSeconds), stepsBottom, COLORS.text, 'stroke-width="1.5" stroke-dasharray="6 4"'));
  parts.push(...markerLines(labels, stepsBottom));
  parts.push(text(x(data.budgetSeconds) - 6, memoryTop + 16, `budget ${duration(data.budgetSeconds)}`, `text-anchor="end" font-weight="bold" ${HALO}`));
  parts.push(line(LEFT, stepsBottom, xEnd, stepsBottom, COLORS.muted));
  parts.push(...legend(height - 10));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

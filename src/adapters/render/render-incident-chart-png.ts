import type { Incident } from '../../core/incident.js';
import { chartData } from '../../core/postmortem/chart-data.js';
import { renderChartSvg } from '../../core/postmortem/render-chart-svg.js';
import type { TimelineEvent } from '../../core/timeline.js';
import { svgToPng, svgToPngAsync } from './svg-to-png.js';

/**
 * The postmortem chart of an incident as a PNG, for chat: Slack shows an uploaded image inline in
 * the thread, which it does not do for SVG. Rendered at twice the SVG's size so it stays sharp
 * when Slack scales it.
 */
export function renderIncidentChartPng(incident: Incident, timeline: readonly TimelineEvent[]): Buffer {
  return svgToPng(renderChartSvg(chartData(incident, timeline)), { width: 1920 });
}

/** The same picture, rendered off the event loop: what the bot posts when an incident closes. */
export function renderIncidentChartPngAsync(incident: Incident, timeline: readonly TimelineEvent[]): Promise<Buffer> {
  return svgToPngAsync(renderChartSvg(chartData(incident, timeline)), { width: 1920 });
}

import { chartData } from '../../../src/core/postmortem/chart-data.js';
import type { TimelineEvent } from '../../../src/core/timeline.js';
import { fixedIncident, HOSTILE, openIncident, seedIncident } from './sample-incidents.js';

const Mi = 1024 ** 2;

/** The seed incident's rows up to and including the one at `time` (HH:MM:SS). */
const seedUntil = (time: string) => seedIncident.events.filter((event) => event.at <= `2026-11-27T${time}.000Z`);

describe('chartData: what the postmortem chart shows, from the incident and its timeline', () => {
  test('the seed case: memory against the limit, the kill, the steps, the patch and the verification', () => {
    const data = chartData(seedIncident.incident, seedIncident.events);
    expect(data).toMatchObject({
      title: 'Incident 43: Deployment shop/checkout, container migrate (cluster prod-eu)',
      origin: '2026-11-27T09:59:20.000Z',
      killKnown: true,
      budgetSeconds: 180,
      end: 180,
      mitigatedAfter: 166,
      budgetMet: true,
    });
    expect(data.limits).toEqual([
      { from: 0, to: 107, text: '64Mi', bytes: 64 * Mi },
      { from: 107, to: 180, text: '128Mi', bytes: 128 * Mi },
    ]);
    const [kill, samples, peak, ...others] = data.memory;
    expect(kill).toEqual({ source: 'kill', label: 'at the limit when killed', points: [{ at: 0, bytes: 64 * Mi }] });
    // 12 samples 250 ms apart, the last at the step's end (T+46 s).
    expect(samples?.source).toBe('rss-samples');
    expect(samples?.points).toHaveLength(12);
    expect(samples?.points[0]).toEqual({ at: 43.25, bytes: 12 * Mi });
    expect(samples?.points[11]).toEqual({ at: 46, bytes: 63 * Mi });
    expect(peak).toEqual({ source: 'rss-peak', label: 'measured peak', points: [{ at: 46, bytes: 63 * Mi }] });
    expect(others).toEqual([]);
    expect(data.steps.map(({ name, start, end, state, waitingFrom }) => [name, start, end, state, waitingFrom])).toEqual([
      ['detect', 40, 41, 'succeeded', null],
      ['image-info', 41, 43, 'succeeded', null],
      ['rss-peak', 43, 46, 'succeeded', null],
      ['propose', 46, 46, 'succeeded', null],
      ['approve', 46, 105, 'succeeded', 47],
      ['apply', 105, 107, 'succeeded', null],
      ['wait', 107, 165, 'succeeded', null],
      ['health', 165, 166, 'succeeded', null],
    ]);
    expect(data.markers).toEqual([
      { at: 0, kind: 'kill', label: 'OOM kill' },
      { at: 40, kind: 'detected', label: 'detected' },
      { at: 107, kind: 'patch', label: 'patch 64Mi → 128Mi' },
      { at: 166, kind: 'verified', label: 'fix verified' },
    ]);
  });

  test('only the limit and the kill (detect ran, nothing else): one limit line, the kill at it, no samples', () => {
    const detectOnly = seedIncident.events.filter((event) => event.kind === 'incident.opened' || event.step === 'detect');
    const data = chartData({ ...seedIncident.incident, status: 'open', closedAt: null, verdict: null }, detectOnly);
    expect(data.limits).toEqual([{ from: 0, to: 180, text: '64Mi', bytes: 64 * Mi }]);
    expect(data.memory).toEqual([{ source: 'kill', label: 'at the limit when killed', points: [{ at: 0, bytes: 64 * Mi }] }]);
    expect(data.steps).toEqual([{ name: 'detect', start: 40, end: 41, waitingFrom: null, state: 'succeeded' }]);
    expect(data).toMatchObject({ killKnown: true, mitigatedAfter: null, budgetMet: null, end: 180 });
  });

  test('nothing recorded but the trigger: the origin is the detection, no limit, no memory, no steps', () => {
    const data = chartData(openIncident.incident, openIncident.events);
    expect(data).toMatchObject({ origin: '2026-11-27T10:00:00.000Z', killKnown: false, limits: [], memory: [], steps: [], end: 180, mitigatedAfter: null });
    // The refused click names the approve step but is no work of it.
    expect(data.markers).toEqual([{ at: 0, kind: 'kill', label: 'detected (kill time not recorded)' }]);
  });

  test('the approval gate is drawn waiting, and the step before a start row is inferred', () => {
    const waiting = chartData(seedIncident.incident, seedUntil('10:00:50'));
    expect(waiting.steps.at(-1)).toEqual({ name: 'approve', start: 46, end: 47, waitingFrom: 47, state: 'waiting' });
    // The short sample has no step.started rows: each step starts where the one before ended.
    const fixed = chartData(fixedIncident.incident, fixedIncident.events);
    expect(fixed.steps.map(({ name, start, end, state }) => [name, start, end, state])).toEqual([
      ['detect', 41, 41, 'succeeded'],
      ['image-info', 41, 43, 'running'],
      ['approve', 43, 105, 'succeeded'],
      ['apply', 105, 107, 'succeeded'],
      ['wait', 107, 170, 'succeeded'],
      ['health', 170, 172, 'succeeded'],
    ]);
  });

  test('a late fix extends the axis past the budget and misses it', () => {
    const late = seedIncident.events.map((event) =>
      event.kind === 'incident.mitigated' || (event.step === 'health' && event.kind === 'step.succeeded') ? { ...event, at: '2026-11-27T10:04:05.000Z' } : event,
    );
    const data = chartData(seedIncident.incident, late);
    expect(data).toMatchObject({ mitigatedAfter: 285, budgetMet: false, end: 285 });
    expect(data.limits.at(-1)).toMatchObject({ to: 285 });
  });

  test('a rollback returns the limit line to the old value and is marked', () => {
    const rollback: TimelineEvent = {
      seq: 100, incidentId: 43, at: '2026-11-27T10:02:10.000Z', kind: 'patch.rolled-back', actor: 'slack:U01ONCALL', step: null,
      data: { workload: 'Deployment shop/checkout', container: 'migrate', before: { 'limits.memory': '128Mi' }, after: { 'limits.memory': '64Mi' } },
    };
    const data = chartData(seedIncident.incident, [...seedIncident.events, rollback]);
    expect(data.limits.map(({ from, to, text }) => [from, to, text])).toEqual([[0, 107, '64Mi'], [107, 170, '128Mi'], [170, 180, '64Mi']]);
    expect(data.markers.at(-1)).toEqual({ at: 170, kind: 'rollback', label: 'rolled back to 64Mi' });
  });

  test('hostile or broken values are kept as text and never as numbers', () => {
    const events = seedIncident.events.map((event) => {
      if (event.kind === 'step.succeeded' && event.step === 'detect') return { ...event, data: { ...event.data, limit: HOSTILE } };
      if (event.step === 'rss-peak' && event.kind === 'step.succeeded') return { ...event, data: { ...event.data, samples: [1, 'x', -5, null, 2], peakBytes: 'lots' } };
      return event;
    });
    const data = chartData(seedIncident.incident, events);
    expect(data.limits[0]).toEqual({ from: 0, to: 107, text: HOSTILE, bytes: null });
    // No number for the old limit: no kill point; the samples keep their numbers only.
    expect(data.memory.map((series) => [series.source, series.points.map((point) => point.bytes)])).toEqual([['rss-samples', [1, 2]]]);
  });

  test('does not change its input and gives the same answer twice', () => {
    const before = structuredClone(seedIncident);
    expect(chartData(seedIncident.incident, seedIncident.events)).toEqual(chartData(seedIncident.incident, seedIncident.events));
    expect(seedIncident).toEqual(before);
  });
});

import { describeSubject, type Incident } from '../incident.js';
import { isQuantity, parseQuantity } from '../quantity.js';
import type { TimelineEvent } from '../timeline.js';
import { incidentFacts, textField } from './incident-facts.js';

/*
 * What the postmortem chart shows, as plain data: times are seconds from the OOM kill (the origin),
 * memory is bytes. chartData derives it from the incident and its timeline alone; the SVG renderer
 * draws whatever it holds. Another source of memory (a Prometheus series of the container's
 * working set, say) is one more entry in `memory`, merged in by the caller.
 *
 * Read from the timeline:
 * - the kill: `oomKilledAt` on any row (detect writes it); without it the origin is the detection
 * - the limit: `limit` on the detect step's rows, `before`/`after` `limits.memory` of
 *   patch.applied and patch.rolled-back rows
 * - memory samples: on rows of the evidence step (rss-peak before 0.2), `samples` (bytes, oldest first, `intervalMs` apart,
 *   100 ms when absent, the last one at the row's time) and `peakBytes`
 * - steps: step.* rows, and the rows a step writes (findings, decisions, patches, the mitigation)
 */

export type StepState = 'succeeded' | 'failed' | 'skipped' | 'waiting' | 'running';

export interface ChartStep {
  name: string;
  start: number;
  end: number;
  /** When it began waiting for a person (the approval gate), if it did. */
  waitingFrom: number | null;
  state: StepState;
}

/** The container's memory limit from `from` to `to`; bytes null when the text is no quantity ("(none)"). */
export interface LimitSpan {
  from: number;
  to: number;
  text: string;
  bytes: number | null;
}

export interface MemorySeries {
  /** `kill`: the usage reached the limit at the kill; `rss-samples` / `rss-peak`: the rss-peak step. */
  source: 'kill' | 'rss-samples' | 'rss-peak' | 'prometheus';
  label: string;
  points: Array<{ at: number; bytes: number }>;
}

export interface ChartMarker {
  at: number;
  kind: 'kill' | 'detected' | 'patch' | 'rollback' | 'verified';
  label: string;
}

export interface ChartData {
  title: string;
  /** The ISO time the seconds count from. */
  origin: string;
  /** False when no row recorded the kill's time: the origin is then the detection. */
  killKnown: boolean;
  budgetSeconds: number;
  /** The latest second worth showing: at least the budget. */
  end: number;
  limits: LimitSpan[];
  memory: MemorySeries[];
  steps: ChartStep[];
  markers: ChartMarker[];
  /** Kill -> fix verified; null without a verified fix. */
  mitigatedAfter: number | null;
  budgetMet: boolean | null;
}

/** Rows that are a step's own work; a note or a refused click that names a step is not. */
const STEP_WORK = new Set<TimelineEvent['kind']>(['step.started', 'step.waiting', 'step.succeeded', 'step.failed', 'step.skipped', 'finding', 'decision', 'patch.intent', 'patch.applied', 'patch.rolled-back', 'incident.mitigated', 'error']);

const TERMINAL: Partial<Record<TimelineEvent['kind'], StepState>> = { 'step.succeeded': 'succeeded', 'step.failed': 'failed', 'step.skipped': 'skipped' };

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((entry): entry is number => typeof entry === 'number' && Number.isFinite(entry) && entry >= 0) : [];
}

function limitOf(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const limit = (value as Record<string, unknown>)['limits.memory'];
  return typeof limit === 'string' ? limit : null;
}

const bytesOf = (text: string) => (isQuantity(text) ? parseQuantity(text) : null);

/** A step's state from its own rows when no step.succeeded/failed/skipped row closed it. */
function stateWithoutTerminal(rows: readonly TimelineEvent[]): StepState {
  const last = rows[rows.length - 1];
  if (last?.kind === 'incident.mitigated' || last?.kind === 'patch.applied') return 'succeeded';
  if (last?.kind === 'decision') return textField(last.data, 'decision') === 'reject' ? 'failed' : 'succeeded';
  return rows.some((row) => row.kind === 'step.waiting') ? 'waiting' : 'running';
}

function chartSteps(events: readonly TimelineEvent[], seconds: (at: string) => number): ChartStep[] {
  const work = events.filter((event) => event.step !== null && STEP_WORK.has(event.kind));
  const names = [...new Set(work.map((event) => event.step ?? ''))];
  const steps: ChartStep[] = [];
  for (const name of names) {
    const rows = work.filter((event) => event.step === name);
    const firstSeen = seconds(rows[0]?.at ?? '');
    const started = rows.find((row) => row.kind === 'step.started');
    const terminal = [...rows].reverse().find((row) => TERMINAL[row.kind] !== undefined);
    const waiting = rows.find((row) => row.kind === 'step.waiting');
    // The checklist runs one step at a time: a step without a start row began when the one before ended.
    const previousEnd = steps[steps.length - 1]?.end;
    const start = started ? seconds(started.at) : previousEnd !== undefined && previousEnd <= firstSeen ? previousEnd : firstSeen;
    const end = Math.max(start, seconds((terminal ?? rows[rows.length - 1])?.at ?? ''));
    steps.push({
      name,
      start,
      end,
      waitingFrom: waiting ? seconds(waiting.at) : null,
      state: terminal ? (TERMINAL[terminal.kind] ?? 'running') : stateWithoutTerminal(rows),
    });
  }
  return steps;
}

function limitSpans(events: readonly TimelineEvent[], seconds: (at: string) => number, end: number): LimitSpan[] {
  const changes = events.filter((event) => event.kind === 'patch.applied' || event.kind === 'patch.rolled-back');
  const detected = events.map((event) => (event.step === 'detect' ? textField(event.data, 'limit') : null)).find((limit) => limit !== null);
  let current = detected ?? limitOf(changes[0]?.data.before) ?? null;
  let from = 0;
  const spans: LimitSpan[] = [];
  for (const change of changes) {
    const next = limitOf(change.data.after);
    if (next === null || next === current) continue;
    const at = seconds(change.at);
    if (current !== null) spans.push({ from, to: at, text: current, bytes: bytesOf(current) });
    current = next;
    from = at;
  }
  if (current !== null) spans.push({ from, to: end, text: current, bytes: bytesOf(current) });
  return spans;
}

function memorySeries(events: readonly TimelineEvent[], seconds: (at: string) => number, killLimit: number | null): MemorySeries[] {
  const series: MemorySeries[] = [];
  // An OOM kill is the usage reaching the limit: a data point even when nothing was measured.
  if (killLimit !== null) series.push({ source: 'kill', label: 'at the limit when killed', points: [{ at: 0, bytes: killLimit }] });
  for (const event of events.filter((row) => row.step === 'evidence' || row.step === 'rss-peak')) {
    const samples = numbers(event.data.samples);
    const interval = typeof event.data.intervalMs === 'number' && event.data.intervalMs > 0 ? event.data.intervalMs / 1000 : 0.1;
    const at = seconds(event.at);
    if (samples.length > 0) {
      series.push({ source: 'rss-samples', label: 'RSS samples', points: samples.map((bytes, index) => ({ at: at - (samples.length - 1 - index) * interval, bytes })) });
    }
    const peak = event.data.peakBytes;
    if (typeof peak === 'number' && Number.isFinite(peak) && peak >= 0) series.push({ source: 'rss-peak', label: 'measured peak', points: [{ at, bytes: peak }] });
  }
  return series;
}

function markers(events: readonly TimelineEvent[], seconds: (at: string) => number, killKnown: boolean, openedAt: string): ChartMarker[] {
  const list: ChartMarker[] = [{ at: 0, kind: 'kill', label: killKnown ? 'OOM kill' : 'detected (kill time not recorded)' }];
  if (killKnown) list.push({ at: seconds(openedAt), kind: 'detected', label: 'detected' });
  for (const event of events) {
    const at = seconds(event.at);
    if (event.kind === 'patch.applied') {
      list.push({ at, kind: 'patch', label: `patch ${limitOf(event.data.before) ?? '?'} → ${limitOf(event.data.after) ?? '?'}` });
    } else if (event.kind === 'patch.rolled-back') {
      list.push({ at, kind: 'rollback', label: `rolled back to ${limitOf(event.data.after) ?? '?'}` });
    } else if (event.kind === 'incident.mitigated') {
      list.push({ at, kind: 'verified', label: 'fix verified' });
    }
  }
  return list;
}

/** The chart of an incident: memory against its limit, the kill, the steps on the budget's axis, the patch and the verification. */
export function chartData(incident: Incident, events: readonly TimelineEvent[]): ChartData {
  const { keyTimes } = incidentFacts(incident, events);
  const origin = keyTimes.impactStartedAt;
  const seconds = (at: string) => {
    const value = (Date.parse(at) - Date.parse(origin)) / 1000;
    return Number.isFinite(value) ? value : 0;
  };
  const killKnown = events.some((event) => {
    const at = textField(event.data, 'oomKilledAt');
    return at !== null && !Number.isNaN(Date.parse(at));
  });
  const steps = chartSteps(events, seconds);
  const marks = markers(events, seconds, killKnown, incident.openedAt);
  const end = Math.max(keyTimes.budgetSeconds, ...steps.map((step) => step.end), ...marks.map((marker) => marker.at));
  const limits = limitSpans(events, seconds, end);
  const memory = memorySeries(events, seconds, killKnown ? (limits[0]?.bytes ?? null) : null);
  const container = incident.container ?? events.map((event) => (event.step === 'detect' ? textField(event.data, 'container') : null)).find((name) => name !== null) ?? null;
  const mitigatedAfter = keyTimes.mttrSeconds;
  return {
    title: `Incident ${incident.id}: ${describeSubject(incident)}${container ? `, container ${container}` : ''} (cluster ${incident.cluster})`,
    origin,
    killKnown,
    budgetSeconds: keyTimes.budgetSeconds,
    end,
    limits,
    memory,
    steps,
    markers: marks,
    mitigatedAfter,
    budgetMet: mitigatedAfter === null ? null : mitigatedAfter <= keyTimes.budgetSeconds,
  };
}

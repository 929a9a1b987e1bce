import { EvidenceError, type MemoryHistory, type MemoryHistoryQuery, type MemoryPeak } from '../../core/evidence-ports.js';
import type { PromResult, PromSample } from './prometheus-answer.js';
import type { PrometheusClient } from './prometheus-client.js';
import { memorySelector } from './memory-selector.js';

/** Points of the range query that narrows down when the peak happened; far below Prometheus' 11,000. */
const RANGE_POINTS = 240;

type Vector = Extract<PromResult, { resultType: 'vector' }>['result'];
type Matrix = Extract<PromResult, { resultType: 'matrix' }>['result'];

function vectorOf(result: PromResult, promql: string): Vector {
  if (result.resultType === 'vector') return result.result;
  throw new EvidenceError('prometheus', 'BadResponse', `Prometheus answered ${promql} with a ${result.resultType}, not a vector`);
}

function matrixOf(result: PromResult, promql: string): Matrix {
  if (result.resultType === 'matrix') return result.result;
  throw new EvidenceError('prometheus', 'BadResponse', `Prometheus answered ${promql} with a ${result.resultType}, not a matrix`);
}

function checkQuery(query: MemoryHistoryQuery): void {
  const problems = [
    !query.namespace && 'a namespace',
    !query.owner.name && 'a workload name',
    (!query.container || query.container === 'POD') && 'a container name (not empty, not POD: those are the pod-level series)',
    !(Number.isInteger(query.windowSeconds) && query.windowSeconds >= 60) && 'a window of at least 60 whole seconds',
    Number.isNaN(query.at.getTime()) && 'a valid time',
  ].filter(Boolean);
  if (problems.length > 0) throw new EvidenceError('prometheus', 'InvalidInput', `a memory-history query needs ${problems.join(', ')}`);
}

/**
 * The peak working set of a workload's container, from cAdvisor's series in Prometheus.
 *
 * How the time of the peak is found, exactly and with bounded answers, in three queries under one
 * deadline (PROMETHEUS_TIMEOUT):
 * 1. `max by (pod) (max_over_time(SEL[window]))` at `at`: the peak of every pod, exact over raw
 *    samples; the highest is the answer, and the number of pods is `series`.
 * 2. `max(max_over_time(SEL[step]))` as a range query over the window with `step` = window / 240:
 *    the latest point that reaches the peak brackets it within one step.
 * 3. `SEL[step]` at that point: the raw samples of that step, with their own timestamps; the
 *    latest sample equal to the peak gives the pod and the time, to the sample.
 * A range query of the raw series alone would sample it every step and could miss a short peak
 * between two steps; `max_over_time` never does. Prometheus 2.42 has no function that returns the
 * time of a maximum, and a subquery over `timestamp()` samples the same way a range query does.
 */
export class PrometheusMemoryHistory implements MemoryHistory {
  constructor(
    private readonly client: PrometheusClient,
    /** PROMETHEUS_TIMEOUT: the deadline of one whole look-up. */
    private readonly timeoutMs: number,
  ) {}

  async peakWorkingSet(query: MemoryHistoryQuery): Promise<MemoryPeak | null> {
    checkQuery(query);
    const signal = AbortSignal.timeout(this.timeoutMs);
    const selector = memorySelector(query);
    const window = query.windowSeconds;

    const perPod = `max by (pod) (max_over_time(${selector}[${window}s]))`;
    const peaks = vectorOf(await this.client.query(perPod, query.at, signal), perPod);
    if (peaks.length === 0) return null;
    const bytes = Math.max(...peaks.map((peak) => peak.value.v));

    const step = Math.max(1, Math.ceil(window / RANGE_POINTS));
    const points = Math.ceil(window / step);
    const end = query.at.getTime();
    const bracket = `max(max_over_time(${selector}[${step}s]))`;
    const range = matrixOf(await this.client.queryRange(bracket, { start: new Date(end - (points - 1) * step * 1000), end: query.at, stepSeconds: step }, signal), bracket);
    const reached = (range[0]?.values ?? []).filter((point) => point.v >= bytes).at(-1);

    // Without a bracket (the data changed between queries) the pod of step 1 stands, timed at `at`.
    const fallback = { pod: peaks.find((peak) => peak.value.v === bytes)?.metric.pod ?? '', t: end };
    let found: { pod: string; t: number } = fallback;
    if (reached) {
      const raw = `${selector}[${step}s]`;
      const samples = matrixOf(await this.client.query(raw, new Date(reached.t), signal), raw).flatMap((series) =>
        series.values.map((sample: PromSample) => ({ pod: series.metric.pod ?? '', ...sample })),
      );
      const latest = samples.filter((sample) => sample.v === bytes && sample.t >= end - window * 1000).sort((a, b) => a.t - b.t).at(-1);
      found = latest ?? { pod: fallback.pod, t: reached.t };
    }
    return { bytes, pod: found.pod, at: new Date(found.t).toISOString(), series: peaks.length };
  }
}

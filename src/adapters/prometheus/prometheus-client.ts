import { EvidenceError } from '../../core/evidence-ports.js';
import { parsePrometheusAnswer, type PromResult } from './prometheus-answer.js';
import { prometheusHttpError, prometheusNetworkError, type PrometheusTarget } from './prometheus-errors.js';

/** A few hundred series of a week's peaks fit in well under a megabyte; more is a query gone wrong. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export type PrometheusAuth = { bearerToken: string } | { basicAuth: { user: string; password: string } } | null;

export interface PrometheusClientOptions {
  /** PROMETHEUS_URL, ending with a slash; may carry a path prefix. */
  url: string;
  auth: PrometheusAuth;
  /** The deadline of a call made without a signal of its own. */
  timeoutMs: number;
  /** Passed in for tests of transport faults; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export interface QueryRange {
  start: Date;
  end: Date;
  stepSeconds: number;
}

type MatrixResult = Extract<PromResult, { resultType: 'matrix' }>;

/**
 * Prometheus' HTTP query API, read only and bounded: every call has a deadline (the caller's
 * signal, else the client's timeout, also sent as Prometheus' own `timeout` so the server stops
 * evaluating too), answers are capped in size and validated, and every failure is an EvidenceError
 * whose message says what to check. Redirects are not followed: they mean a wrong URL or a login
 * page, never an answer.
 */
export class PrometheusClient {
  private readonly base: string;
  private readonly target: PrometheusTarget;
  private readonly authorization: string | null;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PrometheusClientOptions) {
    this.base = options.url.endsWith('/') ? options.url : `${options.url}/`;
    this.target = { url: this.base, timeoutMs: options.timeoutMs, hasCredentials: options.auth !== null };
    const auth = options.auth;
    this.authorization =
      auth === null
        ? null
        : 'bearerToken' in auth
          ? `Bearer ${auth.bearerToken}`
          : `Basic ${Buffer.from(`${auth.basicAuth.user}:${auth.basicAuth.password}`).toString('base64')}`;
    this.fetch = options.fetch ?? fetch;
  }

  /** An instant query evaluated at `at`. */
  async query(promql: string, at: Date, signal?: AbortSignal): Promise<PromResult> {
    return this.call('api/v1/query', promql, { time: epochSeconds(at) }, signal);
  }

  /** A range query; its answer is always a matrix. */
  async queryRange(promql: string, range: QueryRange, signal?: AbortSignal): Promise<MatrixResult> {
    const params = { start: epochSeconds(range.start), end: epochSeconds(range.end), step: `${range.stepSeconds}s` };
    const result = await this.call('api/v1/query_range', promql, params, signal);
    if (result.resultType !== 'matrix') {
      throw new EvidenceError('prometheus', 'BadResponse', `Prometheus at ${this.base} answered a range query with a ${result.resultType}, not a matrix`);
    }
    return result;
  }

  private async call(path: string, promql: string, params: Record<string, string>, signal?: AbortSignal): Promise<PromResult> {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries({ query: promql, ...params, timeout: `${this.options.timeoutMs}ms` })) url.searchParams.set(key, value);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.authorization) headers.Authorization = this.authorization;
    let status: number;
    let location: string | null;
    let body: string;
    try {
      const response = await this.fetch(url, { headers, redirect: 'manual', signal: signal ?? AbortSignal.timeout(this.options.timeoutMs) });
      status = response.status;
      location = response.headers.get('location');
      body = await readCapped(response, MAX_ANSWER_BYTES, this.base);
    } catch (error) {
      throw prometheusNetworkError(error, this.target);
    }
    if (status !== 200) throw prometheusHttpError(status, body, promql, this.target, location);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new EvidenceError('prometheus', 'BadResponse', `${this.base} answered with something other than JSON: check that PROMETHEUS_URL points at Prometheus`);
    }
    const parsed = parsePrometheusAnswer(json);
    if (!parsed.ok) throw new EvidenceError('prometheus', 'BadResponse', `Prometheus at ${this.base} answered an invalid result (${parsed.problem}) for ${promql}`);
    return parsed.result;
  }
}

function epochSeconds(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new EvidenceError('prometheus', 'InvalidInput', 'the time to query at is not a valid date');
  return (date.getTime() / 1000).toFixed(3);
}

/** The body as text, refused past `max` bytes without reading the rest. */
async function readCapped(response: Response, max: number, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  const tooLarge = () => new EvidenceError('prometheus', 'BadResponse', `Prometheus at ${where} answered more than ${max} bytes: narrow the query (a shorter PROMETHEUS_WINDOW)`);
  if (declared > max) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

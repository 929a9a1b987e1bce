import { EvidenceError } from '../../core/evidence-ports.js';
import { networkFailure } from '../network-failure.js';

export interface PrometheusTarget {
  /** PROMETHEUS_URL, shown in messages (it holds no credentials: config refuses them there). */
  url: string;
  timeoutMs: number;
  hasCredentials: boolean;
}

/** A request that got no HTTP answer: timed out, refused, unresolvable, or a TLS failure. */
export function prometheusNetworkError(error: unknown, target: PrometheusTarget): EvidenceError {
  if (error instanceof EvidenceError) return error;
  const failure = networkFailure(error);
  if (failure.timedOut) {
    return new EvidenceError(
      'prometheus',
      'Timeout',
      `Prometheus at ${target.url} did not answer within PROMETHEUS_TIMEOUT (${target.timeoutMs} ms): check PROMETHEUS_URL and that Prometheus is up, or raise PROMETHEUS_TIMEOUT`,
      { cause: error },
    );
  }
  const code = failure.code ?? 'unknown error';
  if (failure.unreachable || failure.tls) {
    const hint = failure.tls ? 'check its TLS certificate and PROMETHEUS_URL' : 'check PROMETHEUS_URL and that Prometheus is up';
    return new EvidenceError('prometheus', 'Unreachable', `cannot reach Prometheus at ${target.url} (${code}): ${hint}`, { cause: error });
  }
  return new EvidenceError('prometheus', 'Unreachable', `asking Prometheus at ${target.url} failed (${code}: ${(error as Error).message ?? String(error)}): check PROMETHEUS_URL`, {
    cause: error,
  });
}

/** Prometheus' error body: `{"status":"error","errorType":"bad_data","error":"..."}`. */
function errorText(body: string): { type: string; error: string } | null {
  try {
    const json = JSON.parse(body) as { errorType?: unknown; error?: unknown };
    if (typeof json.error === 'string') return { type: String(json.errorType ?? ''), error: json.error.slice(0, 500) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return null;
}

/** An HTTP answer other than 200, as the error that says what to check. */
export function prometheusHttpError(status: number, body: string, promql: string, target: PrometheusTarget, location: string | null): EvidenceError {
  const detail = errorText(body);
  const said = detail ? `: ${detail.error}` : '';
  if (status === 401 || status === 403) {
    const fix = target.hasCredentials
      ? 'check PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH'
      : 'it needs credentials: set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH';
    return new EvidenceError('prometheus', 'Unauthorized', `Prometheus at ${target.url} refused the request (HTTP ${status}): ${fix}`);
  }
  if (status === 400 || status === 422) {
    const why = status === 422 ? '; if it loads too many samples, a shorter PROMETHEUS_WINDOW asks for fewer' : '';
    return new EvidenceError('prometheus', 'BadQuery', `Prometheus at ${target.url} refused the query ${promql}${said || ` (HTTP ${status})`}${why}`);
  }
  if (status >= 300 && status < 400) {
    return new EvidenceError(
      'prometheus',
      'BadResponse',
      `Prometheus at ${target.url} answered a redirect (HTTP ${status}${location ? ` to ${location}` : ''}): set PROMETHEUS_URL to the address of the API itself; a login proxy in front of it needs PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH`,
    );
  }
  if (status === 404) {
    return new EvidenceError('prometheus', 'BadResponse', `${target.url} has no Prometheus query API (HTTP 404): check PROMETHEUS_URL, with the path prefix if Prometheus runs under one (e.g. /prometheus/)`);
  }
  if (status === 429 || status >= 500) {
    return new EvidenceError('prometheus', 'ServerError', `Prometheus at ${target.url} could not answer now (HTTP ${status}${said}): it may be overloaded or restarting; try again later`);
  }
  return new EvidenceError('prometheus', 'BadResponse', `Prometheus at ${target.url} answered HTTP ${status}${said}: check PROMETHEUS_URL`);
}

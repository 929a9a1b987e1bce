/**
 * Faults the real Prometheus cannot be made to show on demand: a server that never answers, a
 * closed port, and answers that are not Prometheus' (a wrong URL, a login proxy, an overloaded
 * server, a huge body). Each must end as a coded error within the deadline.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { EvidenceError } from '../../../src/core/evidence-ports.js';
import { PrometheusClient } from '../../../src/adapters/prometheus/prometheus-client.js';
import { PrometheusMemoryHistory } from '../../../src/adapters/prometheus/prometheus-memory-history.js';
import { freePort } from '../../support/start-local-process.js';
import { startSilentServer, type SilentServer } from '../../support/start-silent-server.js';

const AT = new Date('2025-03-10T12:00:00Z');
const query = { namespace: 'shop', owner: { kind: 'Deployment' as const, name: 'checkout' }, container: 'migrate', windowSeconds: 604_800, at: AT };

async function rejection(promise: Promise<unknown>): Promise<EvidenceError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(EvidenceError);
  return error as EvidenceError;
}

describe('a server that accepts and never answers', () => {
  let silent: SilentServer;
  beforeEach(async () => {
    silent = await startSilentServer();
  });
  afterEach(() => silent.close());

  test('a look-up ends as Timeout within PROMETHEUS_TIMEOUT, naming it and the URL', async () => {
    const client = new PrometheusClient({ url: `${silent.url}/`, auth: null, timeoutMs: 300 });
    const started = performance.now();
    const error = await rejection(new PrometheusMemoryHistory(client, 300).peakWorkingSet(query));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'Timeout', retryable: true });
    expect(error.message).toBe(`Prometheus at ${silent.url}/ did not answer within PROMETHEUS_TIMEOUT (300 ms): check PROMETHEUS_URL and that Prometheus is up, or raise PROMETHEUS_TIMEOUT`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(silent.connections()).toBe(1);
  });
});

test('a closed port is Unreachable, naming PROMETHEUS_URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}/`;
  const error = await rejection(new PrometheusClient({ url, auth: null, timeoutMs: 2000 }).query('vector(1)', AT));
  expect(error).toMatchObject({ code: 'Unreachable', retryable: true });
  expect(error.message).toBe(`cannot reach Prometheus at ${url} (ECONNREFUSED): check PROMETHEUS_URL and that Prometheus is up`);
});

describe('answers that are not Prometheus results', () => {
  let server: Server;
  let url: string;
  let reply: (req: IncomingMessage, res: ServerResponse) => void;
  beforeAll(async () => {
    server = createServer((req, res) => reply(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const answer = (status: number, body: string, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  test('the bearer token goes in the Authorization header, and the query, time and timeout as parameters', async () => {
    let seen: IncomingMessage | undefined;
    reply = (req, res) => {
      seen = req;
      answer(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }))(req, res);
    };
    await new PrometheusClient({ url: `${url}prom/`, auth: { bearerToken: 'tok-123' }, timeoutMs: 2500 }).query('up{job="a\\"b"}', AT);
    expect(seen?.headers.authorization).toBe('Bearer tok-123');
    const sent = new URL(seen?.url ?? '', url);
    expect(sent.pathname).toBe('/prom/api/v1/query');
    expect(Object.fromEntries(sent.searchParams)).toEqual({ query: 'up{job="a\\"b"}', time: '1741608000.000', timeout: '2500ms' });
  });

  test.each([
    ['a wrong path (404)', answer(404, '404 page not found'), 'BadResponse', /has no Prometheus query API \(HTTP 404\): check PROMETHEUS_URL, with the path prefix/],
    ['a login proxy (302)', answer(302, '', { location: 'https://sso.example.com/login' }), 'BadResponse', /answered a redirect \(HTTP 302 to https:\/\/sso.example.com\/login\)/],
    ['HTML with 200', answer(200, '<html>hello</html>', { 'content-type': 'text/html' }), 'BadResponse', /answered with something other than JSON/],
    ['an error status in a 200', answer(200, '{"status":"error","errorType":"x","error":"y"}'), 'BadResponse', /invalid result \(status: /],
    ['an unknown result type', answer(200, '{"status":"success","data":{"resultType":"table","result":[]}}'), 'BadResponse', /invalid result \(data.resultType: /],
    ['a value that is not a string', answer(200, '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,5]}]}}'), 'BadResponse', /data.result.0.value.1/],
    ['an overloaded server (503)', answer(503, '{"status":"error","errorType":"unavailable","error":"too many queries"}'), 'ServerError', /could not answer now \(HTTP 503: too many queries\)/],
    ['a query that loads too much (422)', answer(422, '{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory"}'), 'BadQuery', /too many samples into memory; if it loads too many samples, a shorter PROMETHEUS_WINDOW/],
    ['more than 8 MiB', answer(200, 'x'.repeat(9 * 1024 * 1024)), 'BadResponse', /answered more than 8388608 bytes/],
  ])('%s', async (_name, handler, code, message) => {
    reply = handler;
    const error = await rejection(new PrometheusClient({ url, auth: null, timeoutMs: 5000 }).query('vector(1)', AT));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  test('a range query must answer a matrix', async () => {
    reply = answer(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    const client = new PrometheusClient({ url, auth: null, timeoutMs: 5000 });
    await expect(client.queryRange('up', { start: AT, end: AT, stepSeconds: 60 })).rejects.toThrow(/answered a range query with a vector, not a matrix/);
  });
});

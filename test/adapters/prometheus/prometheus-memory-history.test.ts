/**
 * The Prometheus adapter against the real Prometheus (Debian `prometheus` 2.42), backfilled with
 * promtool from checkout-history.ts, behind basic auth as a production Prometheus often is.
 */
import { EvidenceError, type MemoryHistoryQuery } from '../../../src/core/evidence-ports.js';
import { PrometheusClient, type PrometheusAuth } from '../../../src/adapters/prometheus/prometheus-client.js';
import { PrometheusMemoryHistory } from '../../../src/adapters/prometheus/prometheus-memory-history.js';
import { startPrometheus, type RunningPrometheus } from '../../support/prometheus/start-prometheus.js';
import { AT, PEAK, checkoutHistory } from './checkout-history.js';

const MI = 1024 * 1024;
const WEEK = 7 * 86_400;

// A fixed password for this test only, and its bcrypt hash (cost 4, the lowest, so every request
// stays fast), made once with `python3 -c "import crypt; print(crypt.crypt(PASSWORD,
// crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**4)))"`. A precomputed hash spares a bcrypt
// devDependency; the test below that logs in with the password proves the pair matches.
const USER = 'oom-check';
const PASSWORD = 'correct horse battery staple';
const BCRYPT_HASH = '$2b$04$VMluNvuaXOkM4xIZczGAWuJzJIN3NyNZ8BaKQxR1mbi.hLhqm48mS';

let prometheus: RunningPrometheus;

beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: checkoutHistory(), basicAuth: { username: USER, password: PASSWORD, bcryptHash: BCRYPT_HASH } });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
});

function client(auth: PrometheusAuth = { basicAuth: { user: USER, password: PASSWORD } }, timeoutMs = 5000): PrometheusClient {
  return new PrometheusClient({ url: `${prometheus.url}/`, auth, timeoutMs });
}

const history = () => new PrometheusMemoryHistory(client(), 5000);

const seed: MemoryHistoryQuery = { namespace: 'shop', owner: { kind: 'Deployment', name: 'checkout' }, container: 'migrate', windowSeconds: WEEK, at: AT };

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

describe('peakWorkingSet on a backfilled history', () => {
  test('the seed case: migrate of Deployment shop/checkout peaked at 96Mi two days ago, in pod x2k4q, to the second', async () => {
    // 3 pods in the window: x2k4q, p8m2z (the same 96Mi, earlier) and h7j6k of the previous ReplicaSet
    await expect(history().peakWorkingSet(seed)).resolves.toEqual({ bytes: 100_663_296, pod: PEAK.pod, at: PEAK.at, series: 3 });
  });

  test('a longer window reaches the older pod and its higher peak', async () => {
    await expect(history().peakWorkingSet({ ...seed, windowSeconds: 10 * 86_400 })).resolves.toEqual({
      bytes: 200 * MI,
      pod: 'checkout-5c4b7f9d8-w2z9n',
      at: '2025-03-01T08:00:00.000Z',
      series: 4,
    });
  });

  test('a StatefulSet matches <name>-<ordinal> only (not db-backup-0)', async () => {
    const peak = await history().peakWorkingSet({ ...seed, owner: { kind: 'StatefulSet', name: 'db' }, container: 'init-schema' });
    expect(peak).toEqual({ bytes: 50 * MI, pod: 'db-1', at: '2025-03-09T06:30:07.000Z', series: 2 });
  });

  test('a DaemonSet matches <name>-<5 chars> only (not a Deployment of the same name); the latest sample at the peak wins', async () => {
    const peak = await history().peakWorkingSet({ ...seed, owner: { kind: 'DaemonSet', name: 'node-agent' }, container: 'setup' });
    // baseline 40Mi + (i % 7) MiB every 5 minutes from AT - 2d: the last i with i % 7 = 6 is i = 573, 15 minutes before AT
    expect(peak).toEqual({ bytes: 46 * MI, pod: 'node-agent-x2k4q', at: '2025-03-10T11:45:00.000Z', series: 1 });
  });

  test('a dot in a workload name matches a dot only', async () => {
    const peak = await history().peakWorkingSet({ ...seed, owner: { kind: 'Deployment', name: 'checkout.v1' }, windowSeconds: 86_400 });
    expect(peak).toMatchObject({ bytes: 16 * MI, pod: 'checkout.v1-7d9f8b6c5-x2k4q', series: 1 });
  });

  test.each([
    ['a workload with no series', { owner: { kind: 'Deployment' as const, name: 'payments' } }],
    ['a container with no series', { container: 'seed-data' }],
    ['a window before any sample', { at: new Date('2025-02-20T00:00:00Z') }],
    ['a namespace with no series', { namespace: 'billing' }],
  ])('no data is null: %s', async (_name, change) => {
    await expect(history().peakWorkingSet({ ...seed, ...change })).resolves.toBeNull();
  });

  test('a query it cannot ask is refused before any request', async () => {
    const error = await rejection(history().peakWorkingSet({ ...seed, container: 'POD', windowSeconds: 10 }));
    expect(error.code).toBe('InvalidInput');
    expect(error.message).toMatch(/needs a container name \(not empty, not POD.*\), a window of at least 60 whole seconds/);
  });
});

describe('the generic query', () => {
  test('answers vectors and scalars with numbers', async () => {
    await expect(client().query('vector(42)', AT)).resolves.toEqual({ resultType: 'vector', result: [{ metric: {}, value: { t: AT.getTime(), v: 42 } }] });
    await expect(client().query('scalar(vector(1.5))', AT)).resolves.toEqual({ resultType: 'scalar', result: { t: AT.getTime(), v: 1.5 } });
  });

  test('NaN and Inf are refused as a bad answer, not passed on as numbers', async () => {
    const error = await rejection(client().query('vector(0) / 0', AT));
    expect(error.code).toBe('BadResponse');
    expect(error.message).toMatch(/sample value "NaN" is not a finite number/);
    await expect(client().query('vector(1) / 0', AT)).rejects.toThrow(/"\+Inf" is not a finite number/);
  });

  test('a query Prometheus refuses (400 bad_data) is BadQuery, quoting Prometheus', async () => {
    const error = await rejection(client().query('sum(', AT));
    expect(error).toMatchObject({ source: 'prometheus', code: 'BadQuery', retryable: false });
    expect(error.message).toMatch(/refused the query sum\(: .*unclosed left parenthesis/);
  });
});

describe('credentials', () => {
  test.each([
    ['a wrong password', { basicAuth: { user: USER, password: 'wrong' } }, /refused the request \(HTTP 401\): check PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH/],
    ['a bearer token it does not take', { bearerToken: 'not-a-valid-token' }, /HTTP 401\): check PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH/],
    ['none at all', null, /HTTP 401\): it needs credentials: set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH/],
  ])('%s: Unauthorized, saying what to check, without the secret', async (_name, auth, message) => {
    const error = await rejection(new PrometheusMemoryHistory(client(auth), 5000).peakWorkingSet(seed));
    expect(error.code).toBe('Unauthorized');
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/wrong|not-a-valid-token/);
  });
});

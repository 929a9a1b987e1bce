import { loadConfig } from '../../../src/config.js';
import { ErrorCode, isOomCheckError } from '../../../src/core/errors.js';

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, ['prometheus']);
  } catch (error) {
    if (isOomCheckError(error, ErrorCode.ConfigInvalid)) return error.message;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('the prometheus configuration section', () => {
  test('unset, the source is off, with the documented defaults', () => {
    expect(loadConfig({}, ['prometheus']).prometheus).toEqual({ url: null, auth: null, timeoutMs: 5000, windowSeconds: 7 * 86_400 });
  });

  test('reads the URL (a path prefix kept, a slash added), basic auth with a colon in the password, the timeout and the window', () => {
    const { prometheus } = loadConfig(
      { PROMETHEUS_URL: 'https://metrics.example.com/prometheus', PROMETHEUS_BASIC_AUTH: 'bot:pa:ss', PROMETHEUS_TIMEOUT: '750ms', PROMETHEUS_WINDOW: '2w' },
      ['prometheus'],
    );
    expect(prometheus).toEqual({
      url: 'https://metrics.example.com/prometheus/',
      auth: { basicAuth: { user: 'bot', password: 'pa:ss' } },
      timeoutMs: 750,
      windowSeconds: 14 * 86_400,
    });
    expect(loadConfig({ PROMETHEUS_URL: 'http://127.0.0.1:9090/', PROMETHEUS_BEARER_TOKEN: 'tok' }, ['prometheus']).prometheus.auth).toEqual({ bearerToken: 'tok' });
  });

  test('reports every problem at once, says how to fix each, and never echoes a secret', () => {
    const message = problemsOf({
      PROMETHEUS_URL: 'ftp://metrics',
      PROMETHEUS_BEARER_TOKEN: 'super-secret-token',
      PROMETHEUS_BASIC_AUTH: 'bot:hunter2',
      PROMETHEUS_TIMEOUT: '10m',
      PROMETHEUS_WINDOW: '7',
    });
    expect(message).toMatch(/4 configuration problems/);
    expect(message).toMatch(/PROMETHEUS_URL="ftp:\/\/metrics" must be an http\(s\) URL/);
    expect(message).toMatch(/PROMETHEUS_TIMEOUT="10m" must be a duration from 100ms to 5m/);
    expect(message).toMatch(/PROMETHEUS_WINDOW="7" must be a duration from 5m to 366d .* such as 7d/);
    expect(message).toMatch(/PROMETHEUS_BASIC_AUTH \(set, 11 characters\) cannot be used with PROMETHEUS_BEARER_TOKEN/);
    expect(message).not.toMatch(/super-secret-token|hunter2/);
  });

  test('credentials without a URL, or inside the URL, are refused with what to do instead', () => {
    expect(problemsOf({ PROMETHEUS_BEARER_TOKEN: 'tok' })).toMatch(/PROMETHEUS_BEARER_TOKEN \(set, 3 characters\) is set but PROMETHEUS_URL is not/);
    const inUrl = problemsOf({ PROMETHEUS_URL: 'http://bot:hunter2@prometheus:9090' });
    expect(inUrl).toMatch(/must not hold credentials: set PROMETHEUS_BASIC_AUTH or PROMETHEUS_BEARER_TOKEN/);
  });
});

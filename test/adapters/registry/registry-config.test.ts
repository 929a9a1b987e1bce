import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { ErrorCode, isOomCheckError } from '../../../src/core/errors.js';

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, ['registry']);
  } catch (error) {
    if (isOomCheckError(error, ErrorCode.ConfigInvalid)) return error.message;
    throw error;
  }
  throw new Error('expected a configuration error');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oom-check-registry-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the registry configuration section', () => {
  test('defaults: no credentials, 5 s, https everywhere', () => {
    expect(loadConfig({}, ['registry']).registry).toEqual({ credentials: {}, timeoutMs: 5000, insecureHosts: [] });
  });

  test('reads credentials inline or from a file (hosts in lower case), the timeout and the plain-http hosts', () => {
    const json = JSON.stringify({ 'GHCR.io': { username: 'bot', password: 'pw' }, '127.0.0.1:5000': { token: 'tok' } });
    const file = join(dir, 'auth.json');
    writeFileSync(file, json);
    for (const auth of [json, file]) {
      const { registry } = loadConfig({ OOM_CHECK_REGISTRY_AUTH: auth, OOM_CHECK_REGISTRY_TIMEOUT: '2s', OOM_CHECK_REGISTRY_INSECURE: '127.0.0.1:5000, Registry.local' }, ['registry']);
      expect(registry).toEqual({
        credentials: { 'ghcr.io': { username: 'bot', password: 'pw' }, '127.0.0.1:5000': { token: 'tok' } },
        timeoutMs: 2000,
        insecureHosts: ['127.0.0.1:5000', 'registry.local'],
      });
    }
  });

  test('reports every problem at once, by host, never with a password', () => {
    const message = problemsOf({
      OOM_CHECK_REGISTRY_AUTH: JSON.stringify({ 'ghcr.io': { username: 'bot' }, 'not a host': { token: 't' }, 'quay.io': { token: 'secret-token', extra: 1 } }),
      OOM_CHECK_REGISTRY_TIMEOUT: '0s',
      OOM_CHECK_REGISTRY_INSECURE: 'http://registry.local',
    });
    expect(message).toMatch(/5 configuration problems/);
    expect(message).toMatch(/entry "ghcr.io" must be \{"username": "...", "password": "..."\} or \{"token": "..."\}/);
    expect(message).toMatch(/entry "quay.io" must be/);
    expect(message).toMatch(/the key "not a host", which is not a registry host/);
    expect(message).toMatch(/OOM_CHECK_REGISTRY_TIMEOUT="0s" must be a duration from 100ms to 5m/);
    expect(message).toMatch(/OOM_CHECK_REGISTRY_INSECURE="http:\/\/registry.local" must be registry hosts/);
    expect(message).not.toMatch(/secret-token/);
  });

  test('invalid JSON is reported without quoting it (JSON.parse would quote the password)', () => {
    const message = problemsOf({ OOM_CHECK_REGISTRY_AUTH: '{"ghcr.io": {"username": "bot", "password": "hunter2"' });
    expect(message).toMatch(/OOM_CHECK_REGISTRY_AUTH \(set, \d+ characters\) is not valid JSON/);
    expect(message).not.toMatch(/hunter2/);
  });

  test('a missing file and a Docker config.json are named, with the expected format', () => {
    expect(problemsOf({ OOM_CHECK_REGISTRY_AUTH: join(dir, 'missing.json') })).toMatch(/names a file that cannot be read \(ENOENT\): .*missing\.json/);
    const docker = join(dir, 'config.json');
    writeFileSync(docker, JSON.stringify({ auths: { 'ghcr.io': { auth: 'Ym90OnB3' } } }));
    expect(problemsOf({ OOM_CHECK_REGISTRY_AUTH: docker })).toMatch(/looks like a Docker config.json \(in the file .*config\.json\)/);
  });
});

/**
 * What the real registry cannot be made to do on demand: never answer, redirect blobs elsewhere,
 * lie about digests, send huge or outdated manifests, ask for unknown auth schemes. A local fake
 * speaks just enough of the Registry HTTP API v2 for each case.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RegistryCredential } from '../../../src/config/registry-section.js';
import { EvidenceError } from '../../../src/core/evidence-ports.js';
import { RegistryImageFacts } from '../../../src/adapters/registry/registry-image-facts.js';
import { freePort } from '../../support/start-local-process.js';
import { startSilentServer } from '../../support/start-silent-server.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const sha256 = (body: string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;
const CONFIG = JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z', config: { Labels: { a: 'b' } } });
const LAYER = `sha256:${'1'.repeat(64)}`;
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(CONFIG), size: CONFIG.length },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: LAYER, size: 1000 }],
});

async function listen(handler: Handler): Promise<{ server: Server; host: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, host: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

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

let registry: { server: Server; host: string };
let handler: Handler;
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  registry = await listen((req, res) => {
    seen.push(req);
    handler(req, res);
  });
});
afterAll(() => close(registry.server));
beforeEach(() => {
  seen.length = 0;
});

const describeImage = (image = `${registry.host}/shop/app:1.0`, credential: RegistryCredential = { token: 'tok' }) =>
  new RegistryImageFacts({ credentials: { [registry.host]: credential }, insecureHosts: [registry.host], timeoutMs: 5000 }).describe(image);

/** A registry serving MANIFEST and CONFIG, with `change` to bend one answer. */
function serve(change: (path: string, res: ServerResponse) => boolean = () => false): Handler {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (change(path, res)) return;
    if (path === '/v2/shop/app/manifests/1.0') {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256(MANIFEST) });
      res.end(MANIFEST);
    } else if (path === `/v2/shop/app/blobs/${sha256(CONFIG)}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(CONFIG);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
    }
  };
}

test('a registry that accepts and never answers: Timeout within OOM_CHECK_REGISTRY_TIMEOUT', async () => {
  const silent = await startSilentServer();
  try {
    const started = performance.now();
    const error = await rejection(new RegistryImageFacts({ credentials: {}, insecureHosts: [silent.address], timeoutMs: 300 }).describe(`${silent.address}/shop/app:1.0`));
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ code: 'Timeout', retryable: true });
    expect(error.message).toBe(
      `${silent.url} did not answer within OOM_CHECK_REGISTRY_TIMEOUT (300 ms) while describing ${silent.address}/shop/app:1.0: check that the registry is reachable from oom-check, or raise OOM_CHECK_REGISTRY_TIMEOUT`,
    );
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  } finally {
    await silent.close();
  }
});

test('a closed port: Unreachable', async () => {
  const host = `127.0.0.1:${await freePort()}`;
  const error = await rejection(new RegistryImageFacts({ credentials: {}, insecureHosts: [host], timeoutMs: 2000 }).describe(`${host}/shop/app:1.0`));
  expect(error.code).toBe('Unreachable');
  expect(error.message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) to describe/);
});

test('a {token} credential is sent as the bearer token; the manifest is asked for in all four media types; sizes add up', async () => {
  handler = serve();
  await expect(describeImage()).resolves.toEqual({
    reference: `${registry.host}/shop/app:1.0`,
    digest: sha256(MANIFEST),
    sizeBytes: CONFIG.length + 1000,
    layers: [{ digest: LAYER, size: 1000 }],
    labels: { a: 'b' },
    created: '2026-01-01T00:00:00Z',
    goVersion: null,
    platform: 'linux/amd64',
  });
  expect(seen.map((req) => req.headers.authorization)).toEqual(['Bearer tok', 'Bearer tok']);
  expect(seen[0]?.headers.accept).toBe(
    'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json',
  );
  expect(seen.map((req) => req.url)).toEqual(['/v2/shop/app/manifests/1.0', `/v2/shop/app/blobs/${sha256(CONFIG)}`]);
});

describe('redirects', () => {
  test('a blob redirected to storage on another loopback origin is followed, without the Authorization header', async () => {
    const storage = await listen((req, res) => {
      seen.push(req);
      res.writeHead(200);
      res.end(CONFIG);
    });
    try {
      handler = serve((path, res) => {
        if (!path.includes('/blobs/')) return false;
        res.writeHead(307, { location: `http://${storage.host}/signed/config?sig=abc` });
        res.end();
        return true;
      });
      await expect(describeImage()).resolves.toMatchObject({ labels: { a: 'b' } });
      expect(seen.map((req) => [req.url, req.headers.authorization])).toEqual([
        ['/v2/shop/app/manifests/1.0', 'Bearer tok'],
        [`/v2/shop/app/blobs/${sha256(CONFIG)}`, 'Bearer tok'],
        ['/signed/config?sig=abc', undefined],
      ]);
    } finally {
      await close(storage.server);
    }
  });

  test.each([
    ['plain http off loopback', 'http://blobs.example.com/config', /redirected the config blob of .* to http:\/\/blobs.example.com \(only https, or plain http on loopback, is followed\): refused/],
    ['in a loop', '/v2/shop/app/blobs/again', /redirected the config blob of .* more than 3 times: refused/],
  ])('a redirect %s is refused', async (_name, location, message) => {
    handler = serve((path, res) => {
      if (!path.includes('/blobs/')) return false;
      res.writeHead(302, { location });
      res.end();
      return true;
    });
    const error = await rejection(describeImage());
    expect(error.code).toBe('BadResponse');
    expect(error.message).toMatch(message);
  });
});

describe('answers that are refused', () => {
  const manifestAnswer = (status: number, body: string, headers: Record<string, string>) =>
    serve((path, res) => {
      if (!path.includes('/manifests/')) return false;
      res.writeHead(status, headers);
      res.end(body);
      return true;
    });

  test.each([
    ['a manifest whose digest is not the one announced', manifestAnswer(200, MANIFEST, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': LAYER }), 'BadResponse', /whose digest is sha256:\w+, not sha256:1111/],
    ['a manifest over 4 MiB', manifestAnswer(200, 'x'.repeat(4 * 1024 * 1024 + 1), { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }), 'BadResponse', /sent a manifest larger than 4194304 bytes .*: refused unread/],
    ['a schema 1 manifest', manifestAnswer(200, '{"schemaVersion":1,"name":"shop/app","fsLayers":[]}', { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }), 'Unsupported', /schema 1 manifest, which registries stopped serving: push the image again/],
    ['a manifest without layers', manifestAnswer(200, '{"schemaVersion":2,"config":{"digest":"sha256:1","size":1}}', { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }), 'BadResponse', /the manifest is invalid at config.digest/],
    ['an unknown auth scheme', manifestAnswer(401, '', { 'www-authenticate': 'Negotiate' }), 'Unsupported', /asks for negotiate authentication, which oom-check does not speak/],
    ['a 401 without a challenge', manifestAnswer(401, '', {}), 'Unauthorized', /answered HTTP 401 without saying how to authenticate/],
    ['a registry in trouble (503)', manifestAnswer(503, '{"errors":[{"code":"UNAVAILABLE","message":"maintenance"}]}', {}), 'ServerError', /could not answer now \(HTTP 503 UNAVAILABLE: maintenance\)/],
    ['a rate limit (429)', manifestAnswer(429, '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', {}), 'ServerError', /is rate-limiting oom-check \(HTTP 429 TOOMANYREQUESTS: slow down\): try again later/],
  ])('%s', async (_name, bent, code, message) => {
    handler = bent;
    const error = await rejection(describeImage());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  test('a token realm in clear text off loopback: the password is not sent there', async () => {
    handler = manifestAnswer(401, '', { 'www-authenticate': 'Bearer realm="http://auth.example.com/token",service="r"' });
    const error = await rejection(describeImage(undefined, { username: 'bot', password: 'pw' }));
    expect(error.code).toBe('BadResponse');
    expect(error.message).toMatch(/asked for a bearer token from http:\/\/auth.example.com, which is not https: refused, credentials would travel in clear/);
  });

  test('a token credential with a Bearer challenge: refused at once (no token server is asked)', async () => {
    handler = manifestAnswer(401, '', { 'www-authenticate': 'Bearer realm="http://127.0.0.1:1/token"' });
    const error = await rejection(describeImage());
    expect(error.message).toMatch(/refused the token of the entry for "127\.0\.0\.1:\d+" in OOM_CHECK_REGISTRY_AUTH \(HTTP 401\)/);
    expect(seen).toHaveLength(1);
  });

  test('a config blob that is not the one the manifest names', async () => {
    handler = serve((path, res) => {
      if (!path.includes('/blobs/')) return false;
      res.writeHead(200);
      res.end(CONFIG.replace('"a":"b"', '"a":"c"'));
      return true;
    });
    const error = await rejection(describeImage());
    expect(error.code).toBe('BadResponse');
    expect(error.message).toMatch(/sent a config blob for .* whose digest is sha256:\w+, not sha256:/);
  });

  test('a pinned digest the registry answers with other bytes', async () => {
    const pinned = `sha256:${'2'.repeat(64)}`;
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(MANIFEST);
    };
    const error = await rejection(describeImage(`${registry.host}/shop/app@${pinned}`));
    expect(error.message).toMatch(new RegExp(`whose digest is ${sha256(MANIFEST)}, not ${pinned}`));
  });

  test('an invalid reference is InvalidInput, before any request', async () => {
    const error = await rejection(describeImage(`${registry.host}/Shop/App:1.0`));
    expect(error.code).toBe('InvalidInput');
    expect(seen).toHaveLength(0);
  });
});

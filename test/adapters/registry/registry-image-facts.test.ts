/**
 * The registry adapter against the real distribution registry (Debian `docker-registry` 2.8),
 * filled with skopeo from an OCI layout this test writes: once behind htpasswd (Basic auth), once
 * behind token auth with a local token server (the Bearer flow, as Docker Hub, GHCR and Harbor do it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvidenceError } from '../../../src/core/evidence-ports.js';
import type { RegistryCredential } from '../../../src/config/registry-section.js';
import { RegistryImageFacts } from '../../../src/adapters/registry/registry-image-facts.js';
import { pushWithSkopeo } from '../../support/registry/push-with-skopeo.js';
import { startRegistry, type RunningRegistry } from '../../support/registry/start-registry.js';
import { startTokenServer, type RunningTokenServer } from '../../support/registry/start-token-server.js';
import { MIGRATE_LABELS, writeCheckoutImages, type CheckoutImages } from './checkout-images.js';

// A fixed password for this test only, and its bcrypt hash (cost 4, the lowest, so every request
// stays fast), made once with `python3 -c "import crypt; print(crypt.crypt(PASSWORD,
// crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**4)))"`. A precomputed hash spares a bcrypt
// devDependency; every push and describe below that logs in proves the pair matches.
const USER = 'oom-check';
const PASSWORD = 'correct horse battery staple';
const BCRYPT_HASH = '$2b$04$VMluNvuaXOkM4xIZczGAWuJzJIN3NyNZ8BaKQxR1mbi.hLhqm48mS';
const REPO = 'shop/checkout-migrate';
const TAGS = ['1.4.2', 'multi', 'arm-only', 'golang-base'];

let dir: string;
let images: CheckoutImages;
let basic: RunningRegistry;
let tokenServer: RunningTokenServer;
let bearer: RunningRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oom-check-images-'));
  images = writeCheckoutImages(join(dir, 'layout'));
  basic = await startRegistry({ auth: { htpasswd: { username: USER, bcryptHash: BCRYPT_HASH } } });
  tokenServer = await startTokenServer({ username: USER, password: PASSWORD });
  bearer = await startRegistry({ auth: { token: tokenServer } });
  for (const registry of [basic, bearer]) {
    for (const tag of TAGS) await pushWithSkopeo(join(dir, 'layout'), tag, `${registry.address}/${REPO}:${tag}`, { creds: `${USER}:${PASSWORD}`, all: true });
  }
  await pushWithSkopeo(join(dir, 'layout'), '1.4.2', `${basic.address}/${REPO}:docker-v2`, { creds: `${USER}:${PASSWORD}`, format: 'v2s2' });
}, 120_000);

afterAll(async () => {
  await Promise.all([basic?.stop(), bearer?.stop(), tokenServer?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function facts(registry: RunningRegistry, credential?: RegistryCredential, timeoutMs = 5000): RegistryImageFacts {
  return new RegistryImageFacts({ credentials: credential ? { [registry.address]: credential } : {}, insecureHosts: [registry.address], timeoutMs });
}

const login: RegistryCredential = { username: USER, password: PASSWORD };

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

describe.each([
  ['Basic auth (htpasswd)', () => basic],
  ['Bearer tokens from a token server', () => bearer],
])('describe() through %s', (_name, registry) => {
  test('by tag: the manifest digest, config + layer sizes, layers, labels, created, Go version and platform', async () => {
    const { migrate } = images;
    const description = await facts(registry(), login).describe(`${registry().address}/${REPO}:1.4.2`);
    expect(description).toEqual({
      reference: `${registry().address}/${REPO}:1.4.2`,
      digest: migrate.manifest.digest,
      sizeBytes: migrate.config.size + migrate.layers[0]!.size + migrate.layers[1]!.size,
      layers: migrate.layers.map(({ digest, size }) => ({ digest, size })),
      labels: MIGRATE_LABELS,
      created: '2026-11-28T10:00:00Z',
      goVersion: 'go1.22.3',
      platform: 'linux/amd64',
    });
  });

  test('by digest, and by tag and digest (the digest wins), the same facts', async () => {
    const byTag = await facts(registry(), login).describe(`${registry().address}/${REPO}:1.4.2`);
    const pinned = `${registry().address}/${REPO}@${images.migrate.manifest.digest}`;
    await expect(facts(registry(), login).describe(pinned)).resolves.toEqual({ ...byTag, reference: pinned });
    const both = `${registry().address}/${REPO}:no-such-tag@${images.migrate.manifest.digest}`;
    await expect(facts(registry(), login).describe(both)).resolves.toEqual({ ...byTag, reference: both });
  });

  test('an index resolves to linux/amd64: the index digest (the one to pin), the amd64 image\'s layers', async () => {
    const { index, amd64 } = images.multi;
    const description = await facts(registry(), login).describe(`${registry().address}/${REPO}:multi`);
    expect(description).toMatchObject({
      digest: index.digest,
      sizeBytes: amd64.config.size + amd64.layers[0]!.size,
      layers: [{ digest: amd64.layers[0]!.digest, size: amd64.layers[0]!.size }],
      goVersion: 'go1.23.1',
      platform: 'linux/amd64',
    });
  });

  test('an unknown tag or repository is NotFound, naming the image', async () => {
    const tag = await rejection(facts(registry(), login).describe(`${registry().address}/${REPO}:9.9.9`));
    expect(tag.code).toBe('NotFound');
    expect(tag.message).toMatch(new RegExp(`has no manifest for ${registry().address}/${REPO}:9.9.9 \\(HTTP 404 MANIFEST_UNKNOWN.*\\): check the repository name and the tag or digest`));
    const repository = await rejection(facts(registry(), login).describe(`${registry().address}/shop/nothing-here:1.0`));
    expect(repository.code).toBe('NotFound');
  });
});

describe('images and their facts', () => {
  test('the Go version from GOLANG_VERSION when no label says it', async () => {
    const description = await facts(basic, login).describe(`${basic.address}/${REPO}:golang-base`);
    expect(description).toMatchObject({ goVersion: 'go1.21.5', labels: {}, created: '2026-11-30T10:00:00Z', digest: images.golangBase.manifest.digest });
  });

  test('an index without linux/amd64 is Unsupported, listing what it has', async () => {
    const error = await rejection(facts(basic, login).describe(`${basic.address}/${REPO}:arm-only`));
    expect(error.code).toBe('Unsupported');
    expect(error.message).toBe(`${basic.address}/${REPO}:arm-only has no linux/amd64 image (it has linux/arm64/v8)`);
  });

  test('a Docker schema 2 manifest (skopeo --format v2s2) is read like an OCI one', async () => {
    const image = `${basic.address}/${REPO}:docker-v2`;
    // what the registry serves for that tag, read directly: Docker's media type, and its digest
    const served = await fetch(`${basic.url}/v2/${REPO}/manifests/docker-v2`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json', Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
    });
    expect(served.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const description = await facts(basic, login).describe(image);
    expect(description.digest).toBe(served.headers.get('docker-content-digest'));
    expect(description.digest).not.toBe(images.migrate.manifest.digest);
    // skopeo rewrote the manifest and the config, not the layers
    expect(description).toMatchObject({ layers: images.migrate.layers.map(({ digest, size }) => ({ digest, size })), labels: MIGRATE_LABELS, goVersion: 'go1.22.3', platform: 'linux/amd64' });
    await served.arrayBuffer();
  });
});

describe('credentials', () => {
  test('Basic: a wrong password, no credentials, or a token where a password is asked: Unauthorized, saying what to fix', async () => {
    const image = `${basic.address}/${REPO}:1.4.2`;
    const wrong = await rejection(facts(basic, { username: USER, password: 'wrong' }).describe(image));
    expect(wrong.code).toBe('Unauthorized');
    expect(wrong.message).toBe(`${basic.address} refused the credentials of the entry for "${basic.address}" in OOM_CHECK_REGISTRY_AUTH (HTTP 401 UNAUTHORIZED: authentication required): check its username and password, or token`);
    const none = await rejection(facts(basic).describe(image));
    expect(none.message).toBe(`${basic.address} asks for credentials to read ${REPO} (HTTP 401): add an entry for "${basic.address}" to OOM_CHECK_REGISTRY_AUTH`);
    const token = await rejection(facts(basic, { token: 'abc' }).describe(image));
    expect(token.message).toMatch(/asks for a username and password .* holds a token; give \{"username", "password"\} instead/);
    for (const error of [wrong, none, token]) expect(error.message).not.toMatch(/wrong|abc/);
  });

  test('Bearer: the token server is asked with the service, the repository pull scope and the credentials', async () => {
    tokenServer.requests.length = 0;
    await facts(bearer, login).describe(`${bearer.address}/${REPO}:1.4.2`);
    expect(tokenServer.requests).toEqual([{ service: 'oom-check-test-registry', scope: `repository:${REPO}:pull`, user: USER, status: 200 }]);
  });

  test('Bearer: the token server refuses a wrong password, and anonymous access: Unauthorized, saying which', async () => {
    const image = `${bearer.address}/${REPO}:1.4.2`;
    const wrong = await rejection(facts(bearer, { username: USER, password: 'wrong' }).describe(image));
    expect(wrong.code).toBe('Unauthorized');
    expect(wrong.message).toMatch(/^the token server http:\/\/127\.0\.0\.1:\d+ of 127\.0\.0\.1:\d+ refused the credentials of the entry for .* \(HTTP 401\): check its username and password$/);
    const anonymous = await rejection(facts(bearer).describe(image));
    expect(anonymous.message).toMatch(/refused anonymous access to shop\/checkout-migrate \(HTTP 401\): add an entry for "127\.0\.0\.1:\d+" to OOM_CHECK_REGISTRY_AUTH$/);
  });

  test('a registry served over plain http but not listed in OOM_CHECK_REGISTRY_INSECURE is Unreachable, saying so', async () => {
    const error = await rejection(new RegistryImageFacts({ credentials: {}, insecureHosts: [], timeoutMs: 5000 }).describe(`${basic.address}/${REPO}:1.4.2`));
    expect(error.code).toBe('Unreachable');
    expect(error.message).toMatch(/add it to OOM_CHECK_REGISTRY_INSECURE/);
  });
});

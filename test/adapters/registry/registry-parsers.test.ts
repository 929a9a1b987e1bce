import { findGoVersion } from '../../../src/adapters/registry/find-go-version.js';
import { parseImageConfig } from '../../../src/adapters/registry/parse-image-config.js';
import { parseImageReference } from '../../../src/adapters/registry/parse-image-reference.js';
import { parseManifest } from '../../../src/adapters/registry/parse-manifest.js';
import { parseWwwAuthenticate } from '../../../src/adapters/registry/parse-www-authenticate.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  test.each([
    ['alpine', 'docker.io', 'library/alpine', 'latest', null],
    ['alpine:3.19', 'docker.io', 'library/alpine', '3.19', null],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', null],
    ['docker.io/library/alpine', 'docker.io', 'library/alpine', 'latest', null],
    ['index.docker.io/nginx', 'docker.io', 'library/nginx', 'latest', null],
    ['ghcr.io/org/team/app:v1.2.3', 'ghcr.io', 'org/team/app', 'v1.2.3', null],
    ['GHCR.io/org/app:v1', 'ghcr.io', 'org/app', 'v1', null],
    ['127.0.0.1:5000/shop/checkout-migrate:1.4.2', '127.0.0.1:5000', 'shop/checkout-migrate', '1.4.2', null],
    ['localhost/app', 'localhost', 'app', 'latest', null],
    ['localhost:5000/app', 'localhost:5000', 'app', 'latest', null],
    ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', null],
    [`registry.example.com:8443/a/b@${D}`, 'registry.example.com:8443', 'a/b', null, D],
    [`app:1.0@${D}`, 'docker.io', 'library/app', '1.0', D],
    ['my_org/my__app.x-y:TAG_1.0-rc', 'docker.io', 'my_org/my__app.x-y', 'TAG_1.0-rc', null],
  ])('%s', (image, registry, repository, tag, digest) => {
    expect(parseImageReference(image)).toMatchObject({ registry, repository, tag, digest });
  });

  test('the canonical form writes everything out', () => {
    expect(parseImageReference('alpine').canonical).toBe('docker.io/library/alpine:latest');
    expect(parseImageReference(`app:1.0@${D}`).canonical).toBe(`docker.io/library/app:1.0@${D}`);
    expect(parseImageReference(`127.0.0.1:5000/a@${D}`).canonical).toBe(`127.0.0.1:5000/a@${D}`);
  });

  test.each([
    ['', /one word/],
    ['app with space', /one word/],
    ['Shop/App', /lower-case letters and digits/],
    ['app:', /a tag is letters/],
    ['app:-bad', /a tag is letters/],
    ['app@sha256:abc', /the digest must be sha256: and 64 hex digits/],
    [`app@md5:${'a'.repeat(32)}`, /the digest must be sha256/],
    ['reg.io//app', /lower-case letters and digits/],
    ['reg_io.com:5000/app', /is not a registry host/],
    ['a/b--c_/d', /lower-case letters/],
    [`${'a'.repeat(256)}`, /longer than 255/],
  ])('%j is refused: InvalidInput', (image, why) => {
    expect(() => parseImageReference(image)).toThrow(expect.objectContaining({ code: 'InvalidInput', message: expect.stringMatching(why) }));
  });
});

describe('parseWwwAuthenticate', () => {
  test.each([
    [null, null],
    ['', null],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ],
    ['Bearer realm="https://a/t", scope="repository:a/b:pull,push"', { scheme: 'bearer', params: { realm: 'https://a/t', scope: 'repository:a/b:pull,push' } }],
    ['bearer Realm=https://a/t,error=invalid_token', { scheme: 'bearer', params: { realm: 'https://a/t', error: 'invalid_token' } }],
    ['Basic realm="say \\"hi\\""', { scheme: 'basic', params: { realm: 'say "hi"' } }],
    ['Negotiate', { scheme: 'negotiate', params: {} }],
  ])('%j', (header, challenge) => {
    expect(parseWwwAuthenticate(header)).toEqual(challenge);
  });
});

describe('findGoVersion', () => {
  const none = { labels: {}, env: [], history: [] };
  test.each([
    ['a go.version label', { ...none, labels: { 'go.version': 'go1.22.3' } }, 'go1.22.3'],
    ['an org.golang.version label without the go prefix', { ...none, labels: { 'org.golang.version': '1.23.1' } }, 'go1.23.1'],
    ['a golang-version label with a v', { ...none, labels: { 'com.example.golang-version': 'v1.21' } }, 'go1.21'],
    ['the OCI base image label naming golang', { ...none, labels: { 'org.opencontainers.image.base.name': 'docker.io/library/golang:1.22.4-alpine' } }, 'go1.22.4'],
    ['the base image label naming something else', { ...none, labels: { 'org.opencontainers.image.base.name': 'alpine:3.19' } }, null],
    ['GOLANG_VERSION in the environment', { ...none, env: ['PATH=/usr/bin', 'GOLANG_VERSION=1.21.5'] }, 'go1.21.5'],
    ['GO_VERSION in the environment', { ...none, env: ['GO_VERSION=go1.20rc2'] }, 'go1.20rc2'],
    ['an ENV step in the history', { ...none, history: ['/bin/sh -c #(nop)  ENV GOLANG_VERSION=1.19.13', 'COPY x y'] }, 'go1.19.13'],
    ['an ARG step in the history', { ...none, history: ['ARG GO_VERSION=1.22'] }, 'go1.22'],
    ['a label that is not a version', { ...none, labels: { 'go.version': 'latest' } }, null],
    ['nothing', none, null],
    ['labels first', { labels: { 'go.version': 'go1.22.3' }, env: ['GOLANG_VERSION=1.21.5'], history: [] }, 'go1.22.3'],
  ])('%s', (_name, config, version) => {
    expect(findGoVersion(config)).toBe(version);
  });
});

describe('parseManifest', () => {
  const image = { schemaVersion: 2, config: { mediaType: 'x', digest: D, size: 10 }, layers: [{ digest: D, size: 5 }] };
  test('by Content-Type, else by mediaType, else by shape', () => {
    expect(parseManifest('application/vnd.docker.distribution.manifest.v2+json; charset=utf-8', JSON.stringify(image))).toMatchObject({ ok: true, manifest: { kind: 'image', mediaType: 'application/vnd.docker.distribution.manifest.v2+json' } });
    expect(parseManifest('application/json', JSON.stringify({ ...image, mediaType: 'application/vnd.oci.image.manifest.v1+json' }))).toMatchObject({ ok: true, manifest: { kind: 'image' } });
    expect(parseManifest(null, JSON.stringify({ schemaVersion: 2, manifests: [{ digest: D, size: 1, platform: { os: 'linux', architecture: 'amd64' } }] }))).toMatchObject({
      ok: true,
      manifest: { kind: 'index', manifests: [{ digest: D, size: 1, platform: { os: 'linux', architecture: 'amd64' } }] },
    });
  });

  test.each([
    ['not JSON', 'application/vnd.oci.image.manifest.v1+json', '{', false, /not JSON/],
    ['a negative size', 'application/vnd.oci.image.manifest.v1+json', JSON.stringify({ ...image, layers: [{ digest: D, size: -1 }] }), false, /invalid at layers.0.size/],
    ['schema 1', 'application/vnd.docker.distribution.manifest.v1+prettyjws', '{"schemaVersion":1}', true, /schema 1/],
    ['an artifact', 'application/vnd.cncf.helm.config.v1+json', '{"schemaVersion":2}', true, /is not an image manifest or index/],
  ])('%s is refused', (_name, type, body, unsupported, problem) => {
    const parsed = parseManifest(type, body);
    expect(parsed).toMatchObject({ ok: false, unsupported, problem: expect.stringMatching(problem) });
  });
});

describe('parseImageConfig', () => {
  test('Docker writes null for empty labels and env; the variant joins the platform', () => {
    expect(parseImageConfig(JSON.stringify({ architecture: 'arm64', variant: 'v8', os: 'linux', config: { Labels: null, Env: null }, history: null }))).toEqual({
      ok: true,
      facts: { labels: {}, created: null, goVersion: null, platform: 'linux/arm64/v8' },
    });
  });

  test('a config without os or with a non-string label is refused with the field', () => {
    expect(parseImageConfig('{"architecture":"amd64"}')).toMatchObject({ ok: false, problem: expect.stringMatching(/invalid at os/) });
    expect(parseImageConfig('{"architecture":"amd64","os":"linux","config":{"Labels":{"a":1}}}')).toMatchObject({ ok: false, problem: expect.stringMatching(/config.Labels.a/) });
  });
});

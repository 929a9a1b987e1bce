import { buildImageSwapPatch } from '../../../src/core/rules/build-image-swap-patch.js';
import type { ContainerKind } from '../../../src/core/rules/containers-field.js';

const HEX = '3f5a9c0e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a';

describe('accepted: pinned by digest', () => {
  test.each<[ContainerKind, string]>([
    ['init', `registry.example.com/tools/migrate-slim@sha256:${HEX}`],
    ['init', `registry.example.com:5000/tools/migrate-slim:1.2.0-upx@sha256:${HEX}`],
    ['init', `alpine@sha256:${HEX}`],
    ['init', `ghcr.io/acme/migrate_slim__v2@sha256:${HEX}`],
    ['app', `localhost:5000/app:2026.11.27@sha256:${HEX}`],
  ])('%s %s', (kind, image) => {
    const field = kind === 'init' ? 'initContainers' : 'containers';
    expect(buildImageSwapPatch({ kind, container: 'migrate', image })).toEqual({
      ok: true,
      patch: { spec: { template: { spec: { [field]: [{ name: 'migrate', image }] } } } },
    });
  });
});

describe('refused, with what to write instead', () => {
  test.each<[string, string, string]>([
    ['empty', '', 'the quick-downgrade image is empty: set quickDowngrade.image in the runbook to repo@sha256:<64 hex>'],
    [
      'a tag only',
      'registry.example.com/tools/migrate-slim:1.2.0',
      'image registry.example.com/tools/migrate-slim:1.2.0 is not pinned by digest: write it as repo[:tag]@sha256:<64 lower-case hex> so the swap runs exactly the image that was checked',
    ],
    ['upper-case hex', `alpine@sha256:${HEX.toUpperCase()}`, `image alpine@sha256:${HEX.toUpperCase()} has digest sha256:${HEX.toUpperCase()}, not sha256: followed by 64 lower-case hex digits`],
    ['a short digest', 'alpine@sha256:abc123', 'image alpine@sha256:abc123 has digest sha256:abc123, not sha256: followed by 64 lower-case hex digits'],
    ['another algorithm', `alpine@sha512:${HEX}${HEX}`, `image alpine@sha512:${HEX}${HEX} has digest sha512:${HEX}${HEX}, not sha256: followed by 64 lower-case hex digits`],
    ['two digests', `alpine@sha256:${HEX}@sha256:${HEX}`, `image alpine@sha256:${HEX}@sha256:${HEX} has digest sha256:${HEX}@sha256:${HEX}, not sha256: followed by 64 lower-case hex digits`],
    [
      'an upper-case repository',
      `registry.example.com/Tools/migrate@sha256:${HEX}`,
      `image registry.example.com/Tools/migrate@sha256:${HEX} is not a valid image reference: expected repo[:tag]@sha256:<64 hex>, repo in lower case`,
    ],
    ['leading whitespace', ` alpine@sha256:${HEX}`, `image  alpine@sha256:${HEX} is not a valid image reference: expected repo[:tag]@sha256:<64 hex>, repo in lower case`],
    ['a scheme', `https://registry.example.com/migrate@sha256:${HEX}`, `image https://registry.example.com/migrate@sha256:${HEX} is not a valid image reference: expected repo[:tag]@sha256:<64 hex>, repo in lower case`],
    [
      'a repository name over 255 characters',
      `registry.example.com/${'a'.repeat(250)}@sha256:${HEX}`,
      `image registry.example.com/${'a'.repeat(250)}@sha256:${HEX} has a repository name over 255 characters`,
    ],
  ])('%s', (_case, image, reason) => {
    expect(buildImageSwapPatch({ kind: 'init', container: 'migrate', image })).toEqual({ ok: false, reason });
  });
});

import fc from 'fast-check';
import { checkSlimImage, type SlimImageInput } from '../../../src/core/rules/check-slim-image.js';
import { runs } from '../../properties/settings.js';

const HEX = '3f8a1c9d2e7b4a6f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7';
const OTHER = 'b'.repeat(64);
const REF = `registry.example.com/shop/migrate-slim@sha256:${HEX}`;

const base: SlimImageInput = {
  reference: REF,
  expectedSha256: HEX,
  observed: { imageID: `docker-pullable://registry.example.com/shop/migrate-slim@sha256:${HEX}`, sizeBytes: 9_400_000 },
};
const check = (patch: Partial<SlimImageInput>) => checkSlimImage({ ...base, ...patch });

describe('passing swaps', () => {
  test.each<[string, Partial<SlimImageInput>]>([
    ['docker-pullable imageID', {}],
    ['containerd imageID', { observed: { imageID: `registry.example.com/shop/migrate-slim@sha256:${HEX}`, sizeBytes: 9_400_000 } }],
    ['a mirror: another name, the same digest', { observed: { imageID: `mirror.internal/shop/migrate-slim@sha256:${HEX}`, sizeBytes: 9_400_000 } }],
    ['the expected hash written with its prefix and in capitals', { expectedSha256: `sha256:${HEX.toUpperCase()}` }],
    ['a tag before the digest', { reference: `registry.example.com/shop/migrate-slim:1.8.2-slim@sha256:${HEX}` }],
    ['exactly 12 MB', { observed: { imageID: `r/m@sha256:${HEX}`, sizeBytes: 12_000_000 } }],
    ['a larger limit', { maxSizeBytes: 20_000_000, observed: { imageID: `r/m@sha256:${HEX}`, sizeBytes: 15_000_000 } }],
  ])('%s', (_case, patch) => {
    expect(check(patch)).toEqual({ ok: true, problems: [], digest: `sha256:${HEX}` });
  });
});

describe('problems, in plain words', () => {
  test.each<[string, Partial<SlimImageInput>, string[]]>([
    ['a tag, not a digest', { reference: 'registry.example.com/shop/migrate-slim:1.8.2' }, ['image registry.example.com/shop/migrate-slim:1.8.2 is not pinned by digest: write it as repo[:tag]@sha256:<64 lower-case hex> so the swap runs exactly the image that was checked']],
    ['a short digest', { reference: 'r/m@sha256:abc123' }, ['image r/m@sha256:abc123 has digest sha256:abc123, not sha256: followed by 64 lower-case hex digits']],
    ['another algorithm', { reference: `r/m@sha512:${HEX}` }, [`image r/m@sha512:${HEX} has digest sha512:${HEX}, not sha256: followed by 64 lower-case hex digits`]],
    ['upper-case digest', { reference: `r/m@sha256:${HEX.toUpperCase()}`, observed: { imageID: `r/m@sha256:${HEX}`, sizeBytes: 1 } }, [`image r/m@sha256:${HEX.toUpperCase()} has digest sha256:${HEX.toUpperCase()}, not sha256: followed by 64 lower-case hex digits`]],
    ['no reference', { reference: '  ' }, ['the quick-downgrade image is empty: set quickDowngrade.image in the runbook to repo@sha256:<64 hex>']],
    ['a digest that is not the expected hash', { expectedSha256: OTHER }, ["the image's digest sha256:3f8a1c9d2e7b… is not the configured SHA-256 sha256:bbbbbbbbbbbb…: the reference or the config is wrong"]],
    ['an expected hash that is not one', { expectedSha256: 'md5:abc' }, ['the expected SHA-256 "md5:abc" is not 64 hex digits: fix quickDowngrade.sha256 in the runbook']],
    ['the node runs something else', { observed: { imageID: `docker-pullable://registry.example.com/shop/migrate-slim@sha256:${OTHER}`, sizeBytes: 9_400_000 } }, ['the node runs sha256:bbbbbbbbbbbb…, not the pinned sha256:3f8a1c9d2e7b…: the swap did not take, or something rewrote the image']],
    ['no imageID yet', { observed: { imageID: '', sizeBytes: 9_400_000 } }, ['the cluster reports no imageID for the container yet: wait until it has started, then check again']],
    ['a local image ID', { observed: { imageID: `docker://sha256:${OTHER}`, sizeBytes: 9_400_000 } }, ["the cluster reports a local image ID (sha256:bbbbbbbbbbbb…), not a registry digest, so it cannot be compared with the pinned one; check the node's image list"]],
    ['an imageID without a digest', { observed: { imageID: 'registry.example.com/shop/migrate-slim:latest', sizeBytes: 9_400_000 } }, ['the imageID "registry.example.com/shop/migrate-slim:latest" has no sha256 digest to compare']],
    ['too big', { observed: { imageID: base.observed.imageID, sizeBytes: 14_200_000 } }, ['the image is 14.2 MB, above the 12.0 MB limit: it is not the slim image the runbook means']],
    ['size unknown', { observed: { imageID: base.observed.imageID, sizeBytes: null } }, ["the image size is unknown (neither the node's image list nor the registry said): confirm it is at most 12.0 MB before relying on the swap"]],
    ['size garbage', { observed: { imageID: base.observed.imageID, sizeBytes: -3 } }, ['the reported image size "-3" is not a number of bytes']],
    ['a bad limit', { maxSizeBytes: 0 }, ['the size limit must be a positive number of bytes, got 0']],
    [
      'everything wrong at once is all said',
      { reference: 'migrate:latest', expectedSha256: '', observed: {} },
      [
        'image migrate:latest is not pinned by digest: write it as repo[:tag]@sha256:<64 lower-case hex> so the swap runs exactly the image that was checked',
        'the runbook gives no quickDowngrade.sha256 to confirm the image against: set it to the digest the config centre hands out',
        'the cluster reports no imageID for the container yet: wait until it has started, then check again',
        "the image size is unknown (neither the node's image list nor the registry said): confirm it is at most 12.0 MB before relying on the swap",
      ],
    ],
  ])('%s', (_case, patch, problems) => {
    const result = check(patch);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(problems);
  });

  test('hostile input never throws', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (reference, expectedSha256, imageID, sizeBytes) => {
        const result = checkSlimImage({ reference, expectedSha256, observed: { imageID, sizeBytes } } as SlimImageInput);
        expect(result.ok).toBe(false);
        expect(result.problems.length).toBeGreaterThan(0);
      }),
      runs(300),
    );
    expect(checkSlimImage(null as unknown as SlimImageInput).ok).toBe(false);
  });
});

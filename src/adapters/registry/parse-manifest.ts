import { z } from 'zod';

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** What a manifest request accepts: both image manifests and both indexes, never schema 1. */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

/** Far above any real image (overlay filesystems stop at 128 layers) and any real index. */
const MAX_ENTRIES = 1000;

const digest = z.string().regex(/^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/, { error: 'must be sha256: and 64 hex digits (or sha512:)' });
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const descriptor = z.object({ mediaType: z.string().optional(), digest, size });
const platform = z.object({ architecture: z.string(), os: z.string(), variant: z.string().optional() });

const imageManifest = z.object({
  schemaVersion: z.literal(2),
  config: descriptor,
  layers: z.array(descriptor).max(MAX_ENTRIES),
});
const index = z.object({
  schemaVersion: z.literal(2),
  manifests: z.array(descriptor.extend({ platform: platform.optional() })).max(MAX_ENTRIES),
});

export type Descriptor = z.output<typeof descriptor>;
export type Platform = z.output<typeof platform>;

export type Manifest =
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; mediaType: string; manifests: Array<Descriptor & { platform?: Platform }> };

export type ManifestParse = { ok: true; manifest: Manifest } | { ok: false; unsupported: boolean; problem: string };

/**
 * A manifest as the registry served it, by its Content-Type, else by its own `mediaType` field,
 * else by its shape (OCI allows both to be absent). Schema 1 and other types are unsupported;
 * a known type that does not validate is a bad answer, with the first wrong field.
 */
export function parseManifest(contentType: string | null, body: string): ManifestParse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return { ok: false, unsupported: false, problem: 'the manifest is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, unsupported: false, problem: 'the manifest is not a JSON object' };
  const fields = json as Record<string, unknown>;
  const served = contentType?.split(';')[0]?.trim().toLowerCase();
  const declared = typeof fields.mediaType === 'string' ? fields.mediaType : undefined;
  const known = new Set<string>(Object.values(MEDIA_TYPES));
  const mediaType =
    served && known.has(served) ? served : declared && known.has(declared) ? declared : 'manifests' in fields ? MEDIA_TYPES.ociIndex : 'config' in fields ? MEDIA_TYPES.ociManifest : (declared ?? served ?? 'none');
  if (!known.has(mediaType)) {
    const schema1 = fields.schemaVersion === 1 || mediaType.includes('manifest.v1');
    return {
      ok: false,
      unsupported: true,
      problem: schema1 ? 'it is a schema 1 manifest, which registries stopped serving: push the image again with a current client' : `its media type ${mediaType} is not an image manifest or index`,
    };
  }
  const isIndex = mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
  const parsed = isIndex ? index.safeParse(json) : imageManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, unsupported: false, problem: `the ${isIndex ? 'index' : 'manifest'} is invalid at ${issue?.path.join('.') || 'its top'}: ${issue?.message ?? 'invalid'}` };
  }
  const manifest: Manifest = 'manifests' in parsed.data ? { kind: 'index', mediaType, manifests: parsed.data.manifests } : { kind: 'image', mediaType, ...parsed.data };
  return { ok: true, manifest };
}

/**
 * The seed's size line for the slim image: 12 MB, decimal as registries and `docker images`
 * print sizes. The size given may be the registry's (compressed layers) or the node's image list
 * (`status.images[].sizeBytes`, what the runtime reports); either must be within it.
 */
export const SLIM_IMAGE_MAX_BYTES = 12_000_000;

export interface SlimImageInput {
  /** The runbook's image: `repo@sha256:<64 hex>` (a tag before the digest is allowed, the digest decides). */
  reference: string;
  /** The SHA-256 the runbook's config expects, 64 hex, with or without `sha256:`. */
  expectedSha256: string;
  /** Default SLIM_IMAGE_MAX_BYTES. */
  maxSizeBytes?: number;
  /** What the cluster reports after the swap. */
  observed: {
    /** The container status imageID: `docker-pullable://repo@sha256:...` or `repo@sha256:...`. */
    imageID?: string | null;
    /** From the node's image list or the registry; null when neither said. */
    sizeBytes?: number | null;
  };
}

export interface SlimImageCheck {
  ok: boolean;
  problems: string[];
  /** The pinned digest (`sha256:<hex>`), when the reference has one. */
  digest: string | null;
}

const short = (hex: string) => `sha256:${hex.slice(0, 12)}…`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const shown = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** `repo[:tag]@sha256:<hex>`: the OCI digest form, lowercase hex (opencontainers image-spec descriptor.md). */
function pinned(reference: unknown): { hex: string } | { problem: string } {
  if (typeof reference !== 'string' || reference.trim() === '') return { problem: 'the runbook gives no image reference' };
  const ref = reference.trim();
  const match = /^([^\s@]+)@sha256:([0-9a-fA-F]{64})$/.exec(ref);
  if (!match) {
    return { problem: `the image ${shown(ref)} is not pinned by digest: write it as repo@sha256:<64 hex> so every node runs the same bytes` };
  }
  const hex = match[2] ?? '';
  if (hex !== hex.toLowerCase()) return { problem: `the digest of ${shown(ref)} has upper-case hex, which the OCI digest format does not allow: write it in lower case` };
  return { hex };
}

function expected(sha: unknown): { hex: string } | { problem: string } {
  const text = typeof sha === 'string' ? sha.trim().replace(/^sha256:/i, '') : '';
  if (!/^[0-9a-fA-F]{64}$/.test(text)) return { problem: `the expected SHA-256 ${shown(String(sha))} is not 64 hex digits: fix the runbook's config` };
  return { hex: text.toLowerCase() };
}

/** The registry digest in an imageID, or why there is none. */
function observedDigest(imageID: unknown): { hex: string } | { problem: string } {
  if (typeof imageID !== 'string' || imageID.trim() === '') {
    return { problem: 'the cluster reports no imageID for the container yet: wait until it has started, then check again' };
  }
  const id = imageID.trim().replace(/^docker-pullable:\/\//, '').replace(/^docker:\/\//, '');
  const digest = /@sha256:([0-9a-f]{64})$/.exec(id);
  if (digest) return { hex: digest[1] ?? '' };
  if (/^sha256:[0-9a-f]{64}$/.test(id)) {
    return { problem: `the cluster reports a local image ID (${short(id.slice(7))}), not a registry digest, so it cannot be compared with the pinned one; check the node's image list` };
  }
  return { problem: `the imageID ${shown(imageID)} has no sha256 digest to compare` };
}

/**
 * The seed's quick downgrade, checked after the swap: the runbook's image is pinned by digest,
 * that digest is the SHA-256 the config expects, the node runs exactly that digest, and the image
 * is within the size line. Digests are compared, not repository names: a registry mirror or the
 * docker.io/library/ prefix changes the name, never the content a digest names. An unknown size
 * is a problem: the check is not passed until someone has seen the number.
 */
export function checkSlimImage(input: SlimImageInput): SlimImageCheck {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Partial<SlimImageInput>;
  const problems: string[] = [];
  const ref = pinned(i.reference);
  const want = expected(i.expectedSha256);
  if ('problem' in ref) problems.push(ref.problem);
  if ('problem' in want) problems.push(want.problem);
  if ('hex' in ref && 'hex' in want && ref.hex !== want.hex) {
    problems.push(`the runbook's image digest ${short(ref.hex)} is not the expected SHA-256 ${short(want.hex)}: the reference or the config is wrong; do not swap`);
  }

  const seen = observedDigest(i.observed?.imageID);
  if ('problem' in seen) problems.push(seen.problem);
  else if ('hex' in ref && seen.hex !== ref.hex) {
    problems.push(`the node runs ${short(seen.hex)}, not the pinned ${short(ref.hex)}: the swap did not take, or something rewrote the image`);
  }

  const max = i.maxSizeBytes ?? SLIM_IMAGE_MAX_BYTES;
  const size = i.observed?.sizeBytes;
  if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0) problems.push(`the size limit must be a positive number of bytes, got ${String(max)}`);
  else if (size === undefined || size === null) {
    problems.push(`the image size is unknown (neither the node's image list nor the registry said): confirm it is at most ${mb(max)} before relying on the swap`);
  } else if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) problems.push(`the reported image size ${shown(String(size))} is not a number of bytes`);
  else if (size > max) problems.push(`the image is ${mb(size)}, above the ${mb(max)} limit: it is not the slim image the runbook means`);

  return { ok: problems.length === 0, problems, digest: 'hex' in ref ? `sha256:${ref.hex}` : null };
}

import { confirmPin, shortDigest } from './image-pin.js';

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

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const shown = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** The registry digest in an imageID, or why there is none. */
function observedDigest(imageID: unknown): { hex: string } | { problem: string } {
  if (typeof imageID !== 'string' || imageID.trim() === '') {
    return { problem: 'the cluster reports no imageID for the container yet: wait until it has started, then check again' };
  }
  const id = imageID.trim().replace(/^docker-pullable:\/\//, '').replace(/^docker:\/\//, '');
  const digest = /@sha256:([0-9a-f]{64})$/.exec(id);
  if (digest) return { hex: digest[1] ?? '' };
  if (/^sha256:[0-9a-f]{64}$/.test(id)) {
    return { problem: `the cluster reports a local image ID (${shortDigest(id.slice(7))}), not a registry digest, so it cannot be compared with the pinned one; check the node's image list` };
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
  const pin = confirmPin(i.reference, i.expectedSha256);
  problems.push(...pin.problems);

  const seen = observedDigest(i.observed?.imageID);
  if ('problem' in seen) problems.push(seen.problem);
  else if (pin.hex !== null && seen.hex !== pin.hex) {
    problems.push(`the node runs ${shortDigest(seen.hex)}, not the pinned ${shortDigest(pin.hex)}: the swap did not take, or something rewrote the image`);
  }

  const max = i.maxSizeBytes ?? SLIM_IMAGE_MAX_BYTES;
  const size = i.observed?.sizeBytes;
  if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0) problems.push(`the size limit must be a positive number of bytes, got ${String(max)}`);
  else if (size === undefined || size === null) {
    problems.push(`the image size is unknown (neither the node's image list nor the registry said): confirm it is at most ${mb(max)} before relying on the swap`);
  } else if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) problems.push(`the reported image size ${shown(String(size))} is not a number of bytes`);
  else if (size > max) problems.push(`the image is ${mb(size)}, above the ${mb(max)} limit: it is not the slim image the runbook means`);

  return { ok: problems.length === 0, problems, digest: pin.hex === null ? null : `sha256:${pin.hex}` };
}

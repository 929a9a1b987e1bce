/**
 * The one reading of the quick downgrade's image pin: the runbook names the slim image by digest
 * (a tag can move between the check and the rollout), and that digest must be the SHA-256 the
 * config centre hands out. Planning, patching and the after-swap check all read it here.
 */
export type Digest = { hex: string } | { problem: string };

// The docker reference grammar (distribution/reference), restricted to sha256 digests.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const PINNED = new RegExp(`^(${NAME})(?::${TAG})?@sha256:([a-f0-9]{64})$`);
const MAX_NAME = 255;

export const shortDigest = (hex: string) => `sha256:${hex.slice(0, 12)}…`;
const shown = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** `repo[:tag]@sha256:<64 lower-case hex>` (the OCI digest form): its digest, or what to write instead. */
export function pinnedDigest(image: unknown): Digest {
  if (typeof image !== 'string' || image.trim() === '') return { problem: 'the quick-downgrade image is empty: set quickDowngrade.image in the runbook to repo@sha256:<64 hex>' };
  const at = image.indexOf('@');
  if (at < 0) {
    return { problem: `image ${image} is not pinned by digest: write it as repo[:tag]@sha256:<64 lower-case hex> so the swap runs exactly the image that was checked` };
  }
  const digest = image.slice(at + 1);
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) return { problem: `image ${image} has digest ${digest}, not sha256: followed by 64 lower-case hex digits` };
  const match = PINNED.exec(image);
  if (!match) return { problem: `image ${image} is not a valid image reference: expected repo[:tag]@sha256:<64 hex>, repo in lower case` };
  if ((match[1] ?? '').length > MAX_NAME) return { problem: `image ${image} has a repository name over ${MAX_NAME} characters` };
  return { hex: match[2] ?? '' };
}

/** The config's SHA-256: 64 hex, with or without `sha256:`, any case. */
export function configuredDigest(sha: unknown): Digest {
  if (sha === undefined || sha === null || sha === '') {
    return { problem: 'the runbook gives no quickDowngrade.sha256 to confirm the image against: set it to the digest the config centre hands out' };
  }
  const text = typeof sha === 'string' ? sha.trim().replace(/^sha256:/i, '') : '';
  if (!/^[0-9a-fA-F]{64}$/.test(text)) return { problem: `the expected SHA-256 ${shown(String(sha))} is not 64 hex digits: fix quickDowngrade.sha256 in the runbook` };
  return { hex: text.toLowerCase() };
}

/** The image's pinned digest (null when it has none) and every problem with the pin. */
export function confirmPin(image: unknown, sha: unknown): { hex: string | null; problems: string[] } {
  const pinned = pinnedDigest(image);
  const expected = configuredDigest(sha);
  const problems = [pinned, expected].flatMap((digest) => ('problem' in digest ? [digest.problem] : []));
  if ('hex' in pinned && 'hex' in expected && pinned.hex !== expected.hex) {
    problems.push(`the image's digest ${shortDigest(pinned.hex)} is not the configured SHA-256 ${shortDigest(expected.hex)}: the reference or the config is wrong`);
  }
  return { hex: 'hex' in pinned ? pinned.hex : null, problems };
}

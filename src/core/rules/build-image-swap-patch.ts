import { containersField, type ContainerKind, type ContainersField } from './containers-field.js';

export type ImageSwapPatch = { spec: { template: { spec: Partial<Record<ContainersField, Array<{ name: string; image: string }>>> } } };

export interface ImageSwapInput {
  kind: ContainerKind;
  container: string;
  image: string;
}

export type ImageSwapPlan = { ok: true; patch: ImageSwapPatch } | { ok: false; reason: string };

// The docker reference grammar (distribution/reference), restricted to sha256 digests.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const PINNED = new RegExp(`^(${NAME})(?::${TAG})?@sha256:[a-f0-9]{64}$`);
const MAX_NAME = 255;

function problem(image: string): string | null {
  if (image.trim() === '') return 'the quick-downgrade image is empty: set quickDowngrade.image in the runbook to repo@sha256:<64 hex>';
  const at = image.indexOf('@');
  if (at < 0) {
    return `image ${image} is not pinned by digest: write it as repo[:tag]@sha256:<64 lower-case hex> so the swap runs exactly the image that was checked`;
  }
  const digest = image.slice(at + 1);
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    return `image ${image} has digest ${digest}, not sha256: followed by 64 lower-case hex digits`;
  }
  const match = PINNED.exec(image);
  if (!match) return `image ${image} is not a valid image reference: expected repo[:tag]@sha256:<64 hex>, repo in lower case`;
  if ((match[1] ?? '').length > MAX_NAME) return `image ${image} has a repository name over ${MAX_NAME} characters`;
  return null;
}

/**
 * The seed's quick downgrade: swap a container's image for a slim one. Only a digest-pinned image
 * is accepted, because a tag can move between the check and the rollout.
 */
export function buildImageSwapPatch({ kind, container, image }: ImageSwapInput): ImageSwapPlan {
  const reason = problem(image);
  if (reason) return { ok: false, reason };
  return { ok: true, patch: { spec: { template: { spec: { [containersField(kind)]: [{ name: container, image }] } } } } };
}

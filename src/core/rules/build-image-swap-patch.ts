import { containersField, type ContainerKind, type ContainersField } from './containers-field.js';

type ContainerChange = { name: string; image?: string; readinessProbe?: { [key: string]: unknown } | null };
export type ImageSwapPatch = { spec: { template: { spec: Partial<Record<ContainersField, ContainerChange[]>> } } };

/** The seed's exec probe: `initialDelaySeconds: 1` so it never holds up readiness for long. */
export interface ExecProbe {
  container: string;
  command: string[];
  initialDelaySeconds: number;
}

export interface ImageSwapInput {
  kind: ContainerKind;
  container: string;
  image: string;
  /** Added to an app container with the swap. */
  probe?: ExecProbe | null;
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
export function buildImageSwapPatch({ kind, container, image, probe }: ImageSwapInput): ImageSwapPlan {
  const reason = problem(image);
  if (reason) return { ok: false, reason };
  const readinessProbe = probe ? { exec: { command: probe.command }, initialDelaySeconds: probe.initialDelaySeconds } : undefined;
  return { ok: true, patch: swapPatch(kind, { name: container, image }, probe && readinessProbe ? { name: probe.container, readinessProbe } : null) };
}

/**
 * Undoes a swap: the image it replaced, and the probe container's readinessProbe as it was (null
 * removes the one the swap added: a strategic merge patch deletes a field set to null). The old
 * image is whatever ran before, tag or digest, so it is not held to the pinned form.
 */
export function buildSwapBackPatch(input: { kind: ContainerKind; container: string; image: string; probe: { container: string; before: { [key: string]: unknown } | null } | null }): ImageSwapPatch {
  return swapPatch(input.kind, { name: input.container, image: input.image }, input.probe ? { name: input.probe.container, readinessProbe: input.probe.before } : null);
}

function swapPatch(kind: ContainerKind, swapped: ContainerChange, probed: ContainerChange | null): ImageSwapPatch {
  const spec: Partial<Record<ContainersField, ContainerChange[]>> = { [containersField(kind)]: [swapped] };
  // The probe is on an app container; the swapped one may be an app container too.
  if (probed) spec.containers = [...(spec.containers ?? []), probed];
  return { spec: { template: { spec } } };
}

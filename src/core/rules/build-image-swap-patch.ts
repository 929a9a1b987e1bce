import { pinnedDigest } from './image-pin.js';
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

/**
 * The seed's quick downgrade: swap a container's image for a slim one. Only a digest-pinned image
 * is accepted, because a tag can move between the check and the rollout.
 */
export function buildImageSwapPatch({ kind, container, image, probe }: ImageSwapInput): ImageSwapPlan {
  const pinned = pinnedDigest(image);
  if ('problem' in pinned) return { ok: false, reason: pinned.problem };
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

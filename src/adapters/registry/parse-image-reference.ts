import { EvidenceError } from '../../core/evidence-ports.js';

export interface ImageReference {
  /** The registry as image references and OOM_CHECK_REGISTRY_* name it, lower case: docker.io, ghcr.io, 127.0.0.1:5000. */
  registry: string;
  /** The repository inside it, e.g. library/alpine, shop/checkout-migrate. */
  repository: string;
  /** null when only a digest was given. */
  tag: string | null;
  /** algorithm:hex when pinned; it wins over the tag, as it does for the kubelet. */
  digest: string | null;
  /** registry/repository[:tag][@digest], written out in full. */
  canonical: string;
}

// The grammar of github.com/distribution/reference (what the kubelet and every registry client use).
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME = 255;

/** Docker Hub goes by several names; references and credentials use docker.io. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function invalid(image: string, why: string): EvidenceError {
  return new EvidenceError('registry', 'InvalidInput', `${JSON.stringify(image.slice(0, 300))} is not a valid image reference: ${why}`);
}

/**
 * Splits an image reference as the kubelet reads it: the first path component is a registry host
 * only if it has a dot or a port or is `localhost` (else the image is on Docker Hub, where a
 * one-component name lives under `library/`); `:tag` after the last slash; `@digest` at the end;
 * neither means `:latest`.
 */
export function parseImageReference(image: string): ImageReference {
  if (image.length === 0 || image.length > 512 || /\s/.test(image)) throw invalid(image, 'it must be one word of at most 512 characters');
  const at = image.indexOf('@');
  const named = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? null : image.slice(at + 1);
  if (digest !== null && !DIGEST.test(digest)) throw invalid(image, 'the digest must be sha256: and 64 hex digits (or sha512: and 128)');

  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon + 1) : null;
  const name = colon > slash ? named.slice(0, colon) : named;
  if (tag !== null && !TAG.test(tag)) throw invalid(image, 'a tag is letters, digits, _ . and -, at most 128, not starting with . or -');

  const first = name.split('/')[0] ?? '';
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasHost ? first.toLowerCase() : 'docker.io';
  if (hasHost && !HOST.test(first)) throw invalid(image, `${JSON.stringify(first)} is not a registry host (host or host:port)`);
  if (DOCKER_HUB_ALIASES.has(registry)) registry = 'docker.io';
  let repository = hasHost ? name.slice(first.length + 1) : name;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!repository.split('/').every((part) => PATH_COMPONENT.test(part))) {
    throw invalid(image, 'the repository must be lower-case letters and digits, separated by . _ __ - or /');
  }
  if (repository.length > MAX_NAME) throw invalid(image, `the repository is longer than ${MAX_NAME} characters`);

  const finalTag = tag ?? (digest === null ? 'latest' : null);
  const canonical = `${registry}/${repository}${finalTag !== null ? `:${finalTag}` : ''}${digest !== null ? `@${digest}` : ''}`;
  return { registry, repository, tag: finalTag, digest, canonical };
}

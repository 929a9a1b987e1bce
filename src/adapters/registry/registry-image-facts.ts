import { createHash } from 'node:crypto';
import { EvidenceError, type ImageDescription, type ImageFacts } from '../../core/evidence-ports.js';
import { parseImageConfig } from './parse-image-config.js';
import { parseImageReference, type ImageReference } from './parse-image-reference.js';
import { MANIFEST_ACCEPT, parseManifest, type Descriptor, type Manifest } from './parse-manifest.js';
import { RegistrySession, type Fetched, type RegistryAccess } from './registry-session.js';

/** The distribution registry refuses manifests over 4 MiB; a real one is a few KiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Image configs hold labels, env and history: tens of KiB, rarely more. Layers are never fetched. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** The platform the checklist's clusters run; an index is resolved to it, as the kubelet would. */
const PLATFORM = { os: 'linux', architecture: 'amd64' };

export type RegistryImageFactsOptions = RegistryAccess;

function digestOf(body: Buffer, algorithm: string): string {
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

/**
 * ImageFacts from the registry's HTTP API v2, without pulling: the manifest (an index resolved to
 * linux/amd64), then the config blob; sizes come from the manifest's descriptors (compressed, as
 * pulled). Everything fetched is checked against its digest, the one asked for or the one the
 * registry announces, so a registry or a proxy cannot hand back another image's facts. One
 * deadline (OOM_CHECK_REGISTRY_TIMEOUT) covers the whole describe(), token requests included.
 */
export class RegistryImageFacts implements ImageFacts {
  constructor(private readonly options: RegistryImageFactsOptions) {}

  async describe(image: string): Promise<ImageDescription> {
    const ref = parseImageReference(image);
    const session = new RegistrySession(ref, this.options, AbortSignal.timeout(this.options.timeoutMs));
    const wanted = ref.digest ?? ref.tag ?? 'latest';
    const top = await session.get(`manifests/${wanted}`, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, 'manifest');
    const digest = this.verify(ref, top, ref.digest, 'manifest');
    let manifest = this.manifest(ref, top);
    let platformHint: string | null = null;
    if (manifest.kind === 'index') {
      const chosen = this.pick(ref, manifest);
      platformHint = `${chosen.platform?.os}/${chosen.platform?.architecture}${chosen.platform?.variant ? `/${chosen.platform.variant}` : ''}`;
      const fetched = await session.get(`manifests/${chosen.digest}`, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, 'manifest');
      this.verify(ref, fetched, chosen.digest, 'manifest');
      manifest = this.manifest(ref, fetched);
      if (manifest.kind === 'index') throw new EvidenceError('registry', 'Unsupported', `${ref.canonical} is an index of indexes, which oom-check does not follow`);
    }
    const config = await this.config(ref, session, manifest.config);
    return {
      reference: ref.canonical,
      digest,
      sizeBytes: manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0),
      layers: manifest.layers.map((layer) => ({ digest: layer.digest, size: layer.size })),
      labels: config.labels,
      created: config.created,
      goVersion: config.goVersion,
      platform: config.platform || (platformHint ?? ''),
    };
  }

  /** The digest of what was fetched; it must be the one asked for, and the one the registry announced. */
  private verify(ref: ImageReference, fetched: Fetched, expected: string | null, what: string): string {
    const claimed = expected ?? fetched.digest;
    const algorithm = claimed?.startsWith('sha512:') ? 'sha512' : 'sha256';
    const actual = digestOf(fetched.body, algorithm);
    if (claimed && claimed !== actual) {
      throw new EvidenceError('registry', 'BadResponse', `${ref.registry} sent a ${what} for ${ref.canonical} whose digest is ${actual}, not ${claimed}: refused (a proxy or cache in between may be serving stale content)`);
    }
    return actual;
  }

  private manifest(ref: ImageReference, fetched: Fetched): Manifest {
    const parsed = parseManifest(fetched.contentType, fetched.body.toString('utf8'));
    if (parsed.ok) return parsed.manifest;
    throw new EvidenceError('registry', parsed.unsupported ? 'Unsupported' : 'BadResponse', `${ref.registry} sent a manifest for ${ref.canonical} that oom-check cannot read: ${parsed.problem}`);
  }

  /** linux/amd64 from an index; attestation entries (unknown/unknown) are not platforms. */
  private pick(ref: ImageReference, index: Extract<Manifest, { kind: 'index' }>): Descriptor & { platform?: { os: string; architecture: string; variant?: string } } {
    const candidates = index.manifests.filter((entry) => entry.platform?.os === PLATFORM.os && entry.platform.architecture === PLATFORM.architecture);
    const chosen = candidates.find((entry) => !entry.platform?.variant || entry.platform.variant === 'v1') ?? candidates[0];
    if (chosen) return chosen;
    const offered = index.manifests
      .map((entry) => entry.platform)
      .filter((platform) => platform && platform.os !== 'unknown')
      .map((platform) => `${platform?.os}/${platform?.architecture}${platform?.variant ? `/${platform.variant}` : ''}`);
    throw new EvidenceError(
      'registry',
      'Unsupported',
      `${ref.canonical} has no ${PLATFORM.os}/${PLATFORM.architecture} image (it has ${offered.length ? offered.join(', ') : 'no platform listed'})`,
    );
  }

  private async config(ref: ImageReference, session: RegistrySession, descriptor: Descriptor) {
    if (descriptor.size > MAX_CONFIG_BYTES) {
      throw new EvidenceError('registry', 'BadResponse', `the config of ${ref.canonical} is ${descriptor.size} bytes, over the ${MAX_CONFIG_BYTES} oom-check reads: refused unread`);
    }
    const fetched = await session.get(`blobs/${descriptor.digest}`, '*/*', MAX_CONFIG_BYTES, 'config blob');
    this.verify(ref, { ...fetched, digest: null }, descriptor.digest, 'config blob');
    const parsed = parseImageConfig(fetched.body.toString('utf8'));
    if (!parsed.ok) throw new EvidenceError('registry', 'BadResponse', `${ref.registry} sent a config for ${ref.canonical} that oom-check cannot read: ${parsed.problem}`);
    return parsed.facts;
  }
}

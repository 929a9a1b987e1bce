/**
 * What the container runtime (containerd's CRI) knows about each image: its repository, tag,
 * manifest digest and size. From it come the fields a client reads:
 *
 *   containerStatuses[].image    the first repo tag (`registry.example.com/shop/app:1.4.2`), or the
 *                                reference as written when the image has no tag (`repo@sha256:...`)
 *   containerStatuses[].imageID  the repo digest `registry.example.com/shop/app@sha256:<64 hex>`
 *                                (containerd; dockershim's `docker-pullable://` prefix is gone)
 *   node.status.images[].names   [repo@sha256:<digest>, repo:tag], sizeBytes
 *
 * Short names are normalized as containerd does (`nginx:1` -> `docker.io/library/nginx:1`). A
 * scenario may state an image's digest and size; otherwise the size is the sum of the layers its
 * image-info payload lists (what the runtime's content store holds), and failing that both derive
 * from the reference, so every run reports the same values.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from './scenario-schema.js';

export interface ImageFacts {
  repository: string;
  tag?: string;
  digest: string;
  sizeBytes: number;
}

/** `nginx` -> `docker.io/library/nginx`, `me/app` -> `docker.io/me/app`, registries kept. */
function normalizeRepository(repo: string): string {
  const [first = '', ...rest] = repo.split('/');
  if (rest.length === 0) return `docker.io/library/${repo}`;
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return `docker.io/${repo}`;
  return repo;
}

/** Splits a reference into its normalized repository, tag and pinned digest. */
function parseReference(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  const repository = normalizeRepository(hasTag ? name.slice(0, colon) : name);
  const tag = hasTag ? name.slice(colon + 1) : digest === undefined ? 'latest' : undefined;
  const out: { repository: string; tag?: string; digest?: string } = { repository };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** 20 to 200 MiB, a size an application image plausibly has, fixed by the reference. */
function derivedSize(image: string): number {
  const seed = parseInt(sha256(`size:${image}`).slice(0, 8), 16);
  return 20 * 1024 * 1024 + (seed % (180 * 1024 * 1024));
}

export class ImageCatalog {
  private readonly stated = new Map<string, { digest?: string; sizeBytes?: number }>();

  constructor(scenario: Pick<Scenario, 'workloads' | 'images'>) {
    const entries = [...scenario.images, ...scenario.workloads.flatMap((w) => [...w.initContainers, ...w.containers])];
    for (const e of entries) {
      const known = this.stated.get(e.image) ?? {};
      if (e.digest !== undefined) known.digest = e.digest;
      const info = e.http?.imageInfo;
      const layers = info !== undefined && info !== 'malformed' ? info.layers.reduce((n, l) => n + l.size, 0) : undefined;
      const size = e.sizeBytes ?? layers;
      if (size !== undefined) known.sizeBytes = size;
      this.stated.set(e.image, known);
    }
  }

  facts(image: string): ImageFacts {
    const ref = parseReference(image);
    const stated = this.stated.get(image) ?? {};
    const digest = ref.digest ?? stated.digest ?? `sha256:${sha256(image)}`;
    // A digest-pinned reference has the size of the same digest stated elsewhere in the scenario.
    const byDigest = [...this.stated.entries()].find(([ref2, s]) => s.sizeBytes !== undefined && (s.digest === digest || parseReference(ref2).digest === digest));
    const facts: ImageFacts = { repository: ref.repository, digest, sizeBytes: stated.sizeBytes ?? byDigest?.[1].sizeBytes ?? derivedSize(image) };
    if (ref.tag !== undefined) facts.tag = ref.tag;
    return facts;
  }

  /** containerStatuses[].image as containerd reports it. */
  statusImage(image: string): string {
    const f = this.facts(image);
    return f.tag !== undefined ? `${f.repository}:${f.tag}` : `${f.repository}@${f.digest}`;
  }

  /** containerStatuses[].imageID: the repo digest. */
  imageId(image: string): string {
    const f = this.facts(image);
    return `${f.repository}@${f.digest}`;
  }

  /** node.status.images[] entry for the image. */
  nodeImage(image: string): { names: string[]; sizeBytes: number } {
    const f = this.facts(image);
    const names = [`${f.repository}@${f.digest}`];
    if (f.tag !== undefined) names.push(`${f.repository}:${f.tag}`);
    return { names, sizeBytes: f.sizeBytes };
  }
}

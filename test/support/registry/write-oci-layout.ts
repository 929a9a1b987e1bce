import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface LayerSpec {
  /** One file per layer: its path in the image and its content. */
  path: string;
  content: string;
}

export interface ImageSpec {
  /** The config blob's JSON: architecture, os, config.Labels, history... */
  config: Record<string, unknown>;
  layers: LayerSpec[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface WrittenImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** A one-file POSIX ustar archive (512-byte header, content padded, two zero blocks). */
function tar(path: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, text: string) => header.write(text, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) => field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, path);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 8, 'ustar\u000000');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

/**
 * An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/...`) that skopeo can copy to a
 * registry: each image a config, gzipped one-file layers and a manifest; `index.json` tags them.
 * With several images under one tag, the tag names an image index of them (a multi-platform image).
 * Returns the descriptors written, so a test knows every digest and size.
 */
export class OciLayout {
  private readonly tags: Array<{ tag: string; descriptor: Descriptor }> = [];

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blob(mediaType: string, bytes: Buffer): Descriptor {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(this.dir, 'blobs', 'sha256', hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  }

  image(spec: ImageSpec): WrittenImage {
    const archives = spec.layers.map((layer) => tar(layer.path, Buffer.from(layer.content)));
    const layers = archives.map((archive) => this.blob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(archive)));
    const diffIds = archives.map((archive) => `sha256:${createHash('sha256').update(archive).digest('hex')}`);
    const config = this.blob('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({ ...spec.config, rootfs: { type: 'layers', diff_ids: diffIds } })));
    const manifest = this.blob(
      'application/vnd.oci.image.manifest.v1+json',
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers })),
    );
    return { manifest, config, layers };
  }

  /** Tags an image, or an index of several images with their platforms. */
  tag(tag: string, images: WrittenImage[], platforms?: Array<Descriptor['platform']>): Descriptor {
    const [first] = images;
    const descriptor =
      images.length === 1 && first && !platforms
        ? first.manifest
        : this.blob(
            'application/vnd.oci.image.index.v1+json',
            Buffer.from(
              JSON.stringify({
                schemaVersion: 2,
                mediaType: 'application/vnd.oci.image.index.v1+json',
                manifests: images.map((image, i) => ({ ...image.manifest, platform: platforms?.[i] })),
              }),
            ),
          );
    this.tags.push({ tag, descriptor });
    writeFileSync(
      join(this.dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: this.tags.map(({ tag: name, descriptor: d }) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: { 'org.opencontainers.image.ref.name': name } })),
      }),
    );
    return descriptor;
  }
}

import type { ImageInfo } from '../k8s-types.js';

/** The endpoint answers a few hundred bytes; anything near a megabyte is not image-info. */
export const MAX_IMAGE_INFO_BYTES = 1024 * 1024;
/** Far above any real image (overlay filesystems stop at 128 layers). */
export const MAX_IMAGE_LAYERS = 1000;
const MAX_TEXT = 256;
const MAX_PROBLEMS_SHOWN = 5;

export type ImageInfoParse = { ok: true; info: ImageInfo } | { ok: false; problem: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;

const tooLarge = (bytes: number) => ({
  ok: false as const,
  problem: `body is ${bytes} bytes, over the 1 MiB (${MAX_IMAGE_INFO_BYTES} bytes) accepted from an image-info endpoint`,
});

function decode(body: unknown): { ok: true; value: unknown } | { ok: false; problem: string } {
  // sizes are checked before decoding or parsing, so a huge answer costs no more than its length
  if (body instanceof Uint8Array && body.byteLength > MAX_IMAGE_INFO_BYTES) return tooLarge(body.byteLength);
  const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : body;
  if (text === null || text === undefined) return { ok: false, problem: 'empty body: expected a JSON object' };
  if (typeof text !== 'string') return { ok: true, value: text };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_IMAGE_INFO_BYTES) return tooLarge(bytes);
  if (text.trim() === '') return { ok: false, problem: 'empty body: expected a JSON object' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, problem: `not JSON: ${error.message}` };
    throw error;
  }
}

/** Records `path`'s problem: "missing" and "wrong" read differently to whoever fixes the endpoint. */
function flag(problems: string[], value: unknown, path: string, what: string): void {
  problems.push(value === undefined ? `${path} is missing (must be ${what})` : `${path} must be ${what}`);
}

function readLayers(value: unknown, problems: string[]): ImageInfo['layers'] {
  if (!Array.isArray(value)) {
    flag(problems, value, 'layers', 'an array');
    return [];
  }
  if (value.length > MAX_IMAGE_LAYERS) {
    problems.push(`layers has ${value.length} entries; at most ${MAX_IMAGE_LAYERS} are accepted`);
    return [];
  }
  return value.map((layer: unknown, i) => {
    if (!isObject(layer)) {
      problems.push(`layers[${i}] must be an object`);
      return { digest: '', size: 0 };
    }
    if (!isText(layer.digest)) flag(problems, layer.digest, `layers[${i}].digest`, `a non-empty string of at most ${MAX_TEXT} characters`);
    if (!isSize(layer.size)) flag(problems, layer.size, `layers[${i}].size`, 'a non-negative number');
    return { digest: String(layer.digest), size: Number(layer.size) };
  });
}

function readGo(value: unknown, problems: string[]): ImageInfo['go'] {
  if (!isObject(value)) {
    flag(problems, value, 'go', 'an object');
    return { version: '', cgo_enabled: false };
  }
  if (!isText(value.version)) flag(problems, value.version, 'go.version', `a non-empty string of at most ${MAX_TEXT} characters`);
  if (typeof value.cgo_enabled !== 'boolean') flag(problems, value.cgo_enabled, 'go.cgo_enabled', 'true or false');
  return { version: String(value.version), cgo_enabled: value.cgo_enabled === true };
}

function readBinary(value: unknown, problems: string[]): ImageInfo['binary'] {
  if (!isObject(value)) {
    flag(problems, value, 'binary', 'an object');
    return { symtab_ratio: 0 };
  }
  if (!isSize(value.symtab_ratio)) flag(problems, value.symtab_ratio, 'binary.symtab_ratio', 'a non-negative number');
  if (value.size !== undefined && !isSize(value.size)) problems.push('binary.size must be a non-negative number when present');
  const binary: ImageInfo['binary'] = { symtab_ratio: Number(value.symtab_ratio) };
  if (isSize(value.size)) binary.size = value.size;
  return binary;
}

/**
 * Validates the image-info endpoint's answer. client-node hands back parsed JSON typed as a string,
 * so both forms are accepted. Unknown fields are dropped, not refused: endpoints add fields freely.
 */
export function parseImageInfo(body: unknown): ImageInfoParse {
  const decoded = decode(body);
  if (!decoded.ok) return decoded;
  const root = decoded.value;
  if (!isObject(root)) {
    return { ok: false, problem: `expected a JSON object, got ${Array.isArray(root) ? 'an array' : root === null ? 'null' : `a ${typeof root}`}` };
  }
  const problems: string[] = [];
  const info: ImageInfo = {
    layers: readLayers(root.layers, problems),
    go: readGo(root.go, problems),
    binary: readBinary(root.binary, problems),
  };
  if (problems.length === 0) return { ok: true, info };
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).join('; ');
  const more = problems.length - MAX_PROBLEMS_SHOWN;
  return { ok: false, problem: more > 0 ? `${shown}; and ${more} more` : shown };
}

import { MAX_IMAGE_INFO_BYTES, parseImageInfo } from '../../../src/core/rules/parse-image-info.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** The seed's example answer from /debug/image-info, with a field the parser does not know. */
const SEED_BODY = {
  layers: [
    { size: 12845678, digest: DIGEST, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
    { size: 84213760, digest: `sha256:${'b'.repeat(64)}` },
  ],
  go: { version: 'go1.22.3', cgo_enabled: false },
  binary: { size: 65011712, symtab_ratio: 0.23, text_bytes: 30000000 },
  built_at: '2026-11-20T10:00:00Z',
};

const SEED_INFO = {
  layers: [
    { size: 12845678, digest: DIGEST },
    { size: 84213760, digest: `sha256:${'b'.repeat(64)}` },
  ],
  go: { version: 'go1.22.3', cgo_enabled: false },
  binary: { size: 65011712, symtab_ratio: 0.23 },
};

const body = (patch: Record<string, unknown>) => ({ ...SEED_BODY, ...patch });

describe('accepted bodies', () => {
  test.each<[string, unknown]>([
    ['a JSON string', JSON.stringify(SEED_BODY)],
    ['an already-parsed object', SEED_BODY],
    ['bytes', new TextEncoder().encode(JSON.stringify(SEED_BODY))],
  ])('%s, with unknown fields dropped', (_case, input) => {
    expect(parseImageInfo(input)).toEqual({ ok: true, info: SEED_INFO });
  });

  test('binary.size is optional and layers may be empty', () => {
    const result = parseImageInfo({ layers: [], go: { version: 'devel go1.23-1a2b3c', cgo_enabled: true }, binary: { symtab_ratio: 0 } });
    expect(result).toEqual({ ok: true, info: { layers: [], go: { version: 'devel go1.23-1a2b3c', cgo_enabled: true }, binary: { symtab_ratio: 0 } } });
  });

  test('a body of exactly 1 MiB is accepted', () => {
    const json = JSON.stringify(SEED_BODY);
    const padded = json + ' '.repeat(MAX_IMAGE_INFO_BYTES - json.length);
    expect(parseImageInfo(padded).ok).toBe(true);
  });
});

describe('refused bodies name the problem', () => {
  test.each<[string, unknown, string]>([
    ['undefined', undefined, 'empty body: expected a JSON object'],
    ['null', null, 'empty body: expected a JSON object'],
    ['an empty string', '  \n', 'empty body: expected a JSON object'],
    ['JSON null', 'null', 'expected a JSON object, got null'],
    ['a JSON array', '[1,2]', 'expected a JSON object, got an array'],
    ['a JSON string', '"ok"', 'expected a JSON object, got a string'],
    ['a number', 42, 'expected a JSON object, got a number'],
    ['no layers', body({ layers: undefined }), 'layers is missing (must be an array)'],
    ['layers not a list', body({ layers: { size: 1 } }), 'layers must be an array'],
    ['a layer that is not an object', body({ layers: [SEED_BODY.layers[0], 'sha256:abc'] }), 'layers[1] must be an object'],
    [
      'a negative layer size',
      body({ layers: [SEED_BODY.layers[0], SEED_BODY.layers[1], { size: -1, digest: DIGEST }] }),
      'layers[2].size must be a non-negative number',
    ],
    ['a layer size as text', body({ layers: [{ size: '12845678', digest: DIGEST }] }), 'layers[0].size must be a non-negative number'],
    ['a layer size that is not finite', body({ layers: [{ size: Infinity, digest: DIGEST }] }), 'layers[0].size must be a non-negative number'],
    ['a layer without digest', body({ layers: [{ size: 1 }] }), 'layers[0].digest is missing (must be a non-empty string of at most 256 characters)'],
    ['an empty digest', body({ layers: [{ size: 1, digest: '' }] }), 'layers[0].digest must be a non-empty string of at most 256 characters'],
    ['a huge digest', body({ layers: [{ size: 1, digest: 'x'.repeat(257) }] }), 'layers[0].digest must be a non-empty string of at most 256 characters'],
    ['too many layers', body({ layers: Array.from({ length: 1001 }, () => ({ size: 1, digest: DIGEST })) }), 'layers has 1001 entries; at most 1000 are accepted'],
    ['go not an object', body({ go: 'go1.22' }), 'go must be an object'],
    ['no go', body({ go: undefined }), 'go is missing (must be an object)'],
    ['cgo as text', body({ go: { version: 'go1.22.3', cgo_enabled: 'false' } }), 'go.cgo_enabled must be true or false'],
    ['cgo as a number', body({ go: { version: 'go1.22.3', cgo_enabled: 0 } }), 'go.cgo_enabled must be true or false'],
    ['no cgo', body({ go: { version: 'go1.22.3' } }), 'go.cgo_enabled is missing (must be true or false)'],
    ['no go version', body({ go: { cgo_enabled: false } }), 'go.version is missing (must be a non-empty string of at most 256 characters)'],
    ['binary not an object', body({ binary: [] }), 'binary must be an object'],
    ['a negative symtab ratio', body({ binary: { symtab_ratio: -0.1 } }), 'binary.symtab_ratio must be a non-negative number'],
    ['a NaN symtab ratio', body({ binary: { symtab_ratio: NaN } }), 'binary.symtab_ratio must be a non-negative number'],
    ['no symtab ratio', body({ binary: { size: 1 } }), 'binary.symtab_ratio is missing (must be a non-negative number)'],
    ['a bad binary size', body({ binary: { size: '62MB', symtab_ratio: 0.2 } }), 'binary.size must be a non-negative number when present'],
    [
      'several problems at once',
      body({ go: { version: '', cgo_enabled: 'yes' }, binary: { symtab_ratio: null } }),
      'go.version must be a non-empty string of at most 256 characters; go.cgo_enabled must be true or false; binary.symtab_ratio must be a non-negative number',
    ],
    [
      'more than five problems',
      { layers: [{}, {}, {}] },
      'layers[0].digest is missing (must be a non-empty string of at most 256 characters); layers[0].size is missing (must be a non-negative number); ' +
        'layers[1].digest is missing (must be a non-empty string of at most 256 characters); layers[1].size is missing (must be a non-negative number); ' +
        'layers[2].digest is missing (must be a non-empty string of at most 256 characters); and 3 more',
    ],
  ])('%s', (_case, input, problem) => {
    expect(parseImageInfo(input)).toEqual({ ok: false, problem });
  });

  test.each(['{', '{"layers": [}', 'not json', "{'layers': []}"])('%p is not JSON, with the parser message', (input) => {
    const result = parseImageInfo(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^not JSON: \S/);
  });

  test.each<[string, string, number]>([
    ['ASCII', ' '.repeat(MAX_IMAGE_INFO_BYTES + 1), MAX_IMAGE_INFO_BYTES + 1],
    // fewer characters than the limit, but each is two bytes of UTF-8
    ['multi-byte text', 'é'.repeat(MAX_IMAGE_INFO_BYTES / 2 + 1), MAX_IMAGE_INFO_BYTES + 2],
  ])('a body over 1 MiB (%s) is refused before parsing', (_case, input, bytes) => {
    expect(parseImageInfo(input)).toEqual({
      ok: false,
      problem: `body is ${bytes} bytes, over the 1 MiB (1048576 bytes) accepted from an image-info endpoint`,
    });
  });

  test('bytes over 1 MiB are refused too', () => {
    expect(parseImageInfo(new Uint8Array(MAX_IMAGE_INFO_BYTES + 1).fill(32))).toEqual({
      ok: false,
      problem: 'body is 1048577 bytes, over the 1 MiB (1048576 bytes) accepted from an image-info endpoint',
    });
  });
});

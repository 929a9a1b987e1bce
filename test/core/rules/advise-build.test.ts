import type { ImageInfo } from '../../../src/core/k8s-types.js';
import { adviseBuild, DEFAULT_BUILD_THRESHOLDS } from '../../../src/core/rules/advise-build.js';

const Mi = 1024 ** 2;
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A lean, modern, static image: nothing to advise. */
const LEAN: ImageInfo = {
  layers: [
    { digest: digest('a'), size: 2 * Mi },
    { digest: digest('b'), size: 10 * Mi },
  ],
  go: { version: 'go1.22.3', cgo_enabled: false },
  binary: { size: 10 * Mi, symtab_ratio: 0.05 },
};

const info = (patch: { layers?: ImageInfo['layers']; go?: Partial<ImageInfo['go']>; binary?: Partial<ImageInfo['binary']> }): ImageInfo => ({
  layers: patch.layers ?? LEAN.layers,
  go: { ...LEAN.go, ...patch.go },
  binary: { ...LEAN.binary, ...patch.binary },
});

const layers = (...sizesMi: number[]) => sizesMi.map((size, i) => ({ digest: digest(String(i)), size: size * Mi }));

describe('which advice', () => {
  test.each<[string, ImageInfo, string[]]>([
    ['a lean image', LEAN, []],
    ['cgo on', info({ go: { cgo_enabled: true } }), ['static-netgo', 'trimpath']],
    ['a high symtab ratio', info({ binary: { symtab_ratio: 0.23 } }), ['strip-symbols', 'trimpath']],
    ['a symtab ratio at the threshold', info({ binary: { symtab_ratio: 0.1 } }), []],
    ['a large image in total', info({ layers: layers(40, 40, 40) }), ['trimpath', 'multi-stage']],
    ['an image exactly at the total threshold', info({ layers: layers(50, 50) }), []],
    ['one large layer', info({ layers: layers(5, 60) }), ['trimpath', 'multi-stage']],
    ['old Go with patch release', info({ go: { version: 'go1.20.7' } }), ['trimpath', 'upgrade-go']],
    ['old Go without the go prefix', info({ go: { version: '1.19' } }), ['trimpath', 'upgrade-go']],
    ['Go 1.21', info({ go: { version: 'go1.21' } }), []],
    ['a Go 1.21 release candidate', info({ go: { version: 'go1.21rc2' } }), []],
    ['a devel toolchain', info({ go: { version: 'devel go1.23-1a2b3c4 Mon Nov 2 10:00:00 2026 +0000' } }), []],
    ['an unreadable version', info({ go: { version: 'unknown' } }), []],
    ['Go 2', info({ go: { version: 'go2.0' } }), []],
    [
      'everything at once, in a fixed order',
      info({ layers: layers(12, 138), go: { version: 'go1.20.7', cgo_enabled: true }, binary: { symtab_ratio: 0.3 } }),
      ['static-netgo', 'strip-symbols', 'trimpath', 'multi-stage', 'upgrade-go'],
    ],
  ])('%s', (_case, input, ids) => {
    expect(adviseBuild(input).map((advice) => advice.id)).toEqual(ids);
  });

  test('thresholds can be changed', () => {
    const strict = { ...DEFAULT_BUILD_THRESHOLDS, symtabRatio: 0.01, imageBytes: 5 * Mi, minGo: { major: 1, minor: 23 } };
    expect(adviseBuild(LEAN, strict).map((advice) => advice.id)).toEqual(['strip-symbols', 'trimpath', 'multi-stage', 'upgrade-go']);
  });

  test('the defaults are frozen', () => {
    expect(Object.isFrozen(DEFAULT_BUILD_THRESHOLDS)).toBe(true);
  });
});

describe('what each advice says', () => {
  const seedLike = info({
    layers: [
      { digest: digest('a'), size: 12845678 },
      { digest: digest('b'), size: 138 * Mi },
    ],
    go: { version: 'go1.20.7', cgo_enabled: true },
    binary: { size: 62 * Mi, symtab_ratio: 0.234 },
  });
  const byId = Object.fromEntries(adviseBuild(seedLike).map((advice) => [advice.id, advice]));

  test.each([
    [
      'static-netgo',
      'Build a static binary without cgo',
      "cgo is enabled (go.cgo_enabled: true): the binary links glibc dynamically, so the image must carry a libc; CGO_ENABLED=0 with -tags netgo gives a fully static binary using Go's own DNS resolver (seed: 138 MB -> 96 MB)",
      'CGO_ENABLED=0 -tags netgo',
    ],
    [
      'strip-symbols',
      'Strip symbols and debug info',
      'the symbol table is 23.4% of the text section (advised above 10%): -s drops the symbol table and -w the DWARF debug info, typically 15-25% smaller; this 62Mi binary would be about 47Mi-53Mi',
      '-ldflags="-s -w"',
    ],
    [
      'trimpath',
      'Make the build reproducible',
      '-trimpath removes absolute build paths (GOPATH, CI work directory) from the binary and -buildid= drops the random build id, so a rebuilt image can be checked against the digest you expect',
      '-trimpath -ldflags="-s -w -buildid="',
    ],
    [
      'multi-stage',
      'Use a multi-stage build with a minimal final stage',
      'the 2 layers total 150Mi (advised above 100Mi); layers[1] alone is 138Mi (advised above 50Mi): build in a golang stage and copy only the binary into the final stage',
      'multi-stage Dockerfile: FROM golang AS build, then FROM gcr.io/distroless/base-debian12 (cgo needs glibc) with COPY --from=build of the binary only',
    ],
    [
      'upgrade-go',
      'Upgrade to Go 1.21 or newer',
      'built with go1.20.7, older than go1.21: Go 1.21+ supports -buildmode=pie with -trimpath and builds smaller binaries',
      'build with Go 1.21 or newer (e.g. FROM golang:1.21 AS build)',
    ],
  ])('%s', (id, title, detail, command) => {
    expect(byId[id]).toEqual({ id, title, detail, command });
  });

  test.each<[string, ImageInfo, string, string]>([
    ['trimpath without stripping keeps ldflags to the build id', info({ go: { cgo_enabled: true } }), 'trimpath', '-trimpath -ldflags="-buildid="'],
    [
      'a static image gets a static final stage',
      info({ layers: layers(120) }),
      'multi-stage',
      'multi-stage Dockerfile: FROM golang AS build, then FROM scratch or gcr.io/distroless/static-debian12 with COPY --from=build of the binary only',
    ],
  ])('%s', (_case, input, id, command) => {
    expect(adviseBuild(input).find((advice) => advice.id === id)?.command).toBe(command);
  });

  test.each<[string, ImageInfo, string]>([
    ['no binary size: no estimate', info({ binary: { symtab_ratio: 0.2, size: undefined } }), 'typically 15-25% smaller'],
    ['one large layer only', info({ layers: layers(10, 60) }), 'layers[1] alone is 60Mi (advised above 50Mi): build'],
  ])('%s', (_case, input, ending) => {
    const advice = adviseBuild(input).find((a) => a.id !== 'trimpath');
    expect(advice?.detail).toContain(ending);
  });
});

import type { ImageInfo } from '../k8s-types.js';
import { describeBytes } from './describe-bytes.js';

export type BuildAdviceId = 'static-netgo' | 'strip-symbols' | 'trimpath' | 'multi-stage' | 'upgrade-go';

export interface BuildAdvice {
  id: BuildAdviceId;
  title: string;
  /** Why, with the numbers from image-info. */
  detail: string;
  /** The flag to add or the action to take. */
  command: string;
}

export interface BuildThresholds {
  /** Symbol-table bytes / text bytes above which stripping is advised. */
  symtabRatio: number;
  /** Total layer bytes above which a multi-stage build is advised. */
  imageBytes: number;
  /** A single layer above this also calls for a multi-stage build. */
  layerBytes: number;
  /** Go releases older than this get the upgrade advice. */
  minGo: { major: number; minor: number };
}

const Mi = 1024 ** 2;

export const DEFAULT_BUILD_THRESHOLDS: Readonly<BuildThresholds> = Object.freeze({
  symtabRatio: 0.1,
  imageBytes: 100 * Mi,
  layerBytes: 50 * Mi,
  minGo: Object.freeze({ major: 1, minor: 21 }),
});

const percent = (ratio: number) => `${Number((ratio * 100).toFixed(1))}%`;

/** `go1.20.7`, `go1.21`, `go1.21rc2` -> [1, 20]; `devel ...` and anything else -> null (no advice). */
function goRelease(version: string): { major: number; minor: number } | null {
  const match = /^(?:go)?(\d+)\.(\d+)/.exec(version.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

function staticNetgo(info: ImageInfo): BuildAdvice | null {
  if (!info.go.cgo_enabled) return null;
  return {
    id: 'static-netgo',
    title: 'Build a static binary without cgo',
    detail:
      'cgo is enabled (go.cgo_enabled: true): the binary links glibc dynamically, so the image must carry a libc; ' +
      "CGO_ENABLED=0 with -tags netgo gives a fully static binary using Go's own DNS resolver (seed: 138 MB -> 96 MB)",
    command: 'CGO_ENABLED=0 -tags netgo',
  };
}

function stripSymbols(info: ImageInfo, t: BuildThresholds): BuildAdvice | null {
  const ratio = info.binary.symtab_ratio;
  if (!(ratio > t.symtabRatio)) return null;
  const size = info.binary.size;
  const estimate =
    size !== undefined && size > 0
      ? `; this ${describeBytes(size)} binary would be about ${describeBytes(Math.round(size * 0.75))}-${describeBytes(Math.round(size * 0.85))}`
      : '';
  return {
    id: 'strip-symbols',
    title: 'Strip symbols and debug info',
    detail:
      `the symbol table is ${percent(ratio)} of the text section (advised above ${percent(t.symtabRatio)}): ` +
      `-s drops the symbol table and -w the DWARF debug info, typically 15-25% smaller${estimate}`,
    command: '-ldflags="-s -w"',
  };
}

function multiStage(info: ImageInfo, t: BuildThresholds): BuildAdvice | null {
  const total = info.layers.reduce((sum, layer) => sum + layer.size, 0);
  const largest = info.layers.reduce((best, layer, index) => (layer.size > best.size ? { index, size: layer.size } : best), { index: -1, size: 0 });
  const reasons: string[] = [];
  if (total > t.imageBytes) {
    reasons.push(`the ${info.layers.length} layers total ${describeBytes(total)} (advised above ${describeBytes(t.imageBytes)})`);
  }
  if (largest.size > t.layerBytes) {
    reasons.push(`layers[${largest.index}] alone is ${describeBytes(largest.size)} (advised above ${describeBytes(t.layerBytes)})`);
  }
  if (reasons.length === 0) return null;
  // a static final stage only runs a binary that needs no libc
  const stage = info.go.cgo_enabled ? 'gcr.io/distroless/base-debian12 (cgo needs glibc)' : 'scratch or gcr.io/distroless/static-debian12';
  return {
    id: 'multi-stage',
    title: 'Use a multi-stage build with a minimal final stage',
    detail: `${reasons.join('; ')}: build in a golang stage and copy only the binary into the final stage`,
    command: `multi-stage Dockerfile: FROM golang AS build, then FROM ${stage} with COPY --from=build of the binary only`,
  };
}

function upgradeGo(info: ImageInfo, t: BuildThresholds): BuildAdvice | null {
  const release = goRelease(info.go.version);
  const { major, minor } = t.minGo;
  if (!release || release.major > major || (release.major === major && release.minor >= minor)) return null;
  return {
    id: 'upgrade-go',
    title: `Upgrade to Go ${major}.${minor} or newer`,
    detail: `built with ${info.go.version}, older than go${major}.${minor}: Go ${major}.${minor}+ supports -buildmode=pie with -trimpath and builds smaller binaries`,
    command: `build with Go ${major}.${minor} or newer (e.g. FROM golang:${major}.${minor} AS build)`,
  };
}

function trimpath(stripping: boolean): BuildAdvice {
  return {
    id: 'trimpath',
    title: 'Make the build reproducible',
    detail:
      '-trimpath removes absolute build paths (GOPATH, CI work directory) from the binary and -buildid= drops the random build id, ' +
      'so a rebuilt image can be checked against the digest you expect',
    command: stripping ? '-trimpath -ldflags="-s -w -buildid="' : '-trimpath -ldflags="-buildid="',
  };
}

/**
 * The seed's build advice for a bloated Go init binary, from its image-info. Always in the order
 * static-netgo, strip-symbols, trimpath, multi-stage, upgrade-go; trimpath only rides along with
 * other advice, since on its own it saves too little to be worth a rebuild during an incident.
 */
export function adviseBuild(info: ImageInfo, thresholds: BuildThresholds = DEFAULT_BUILD_THRESHOLDS): BuildAdvice[] {
  const netgo = staticNetgo(info);
  const strip = stripSymbols(info, thresholds);
  const rest = [multiStage(info, thresholds), upgradeGo(info, thresholds)];
  const found = [netgo, strip, ...rest].filter((advice): advice is BuildAdvice => advice !== null);
  if (found.length === 0) return [];
  return [netgo, strip, trimpath(strip !== null), ...rest].filter((advice): advice is BuildAdvice => advice !== null);
}

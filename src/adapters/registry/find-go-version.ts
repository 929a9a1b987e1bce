export interface ImageConfigFacts {
  labels: Record<string, string>;
  env: string[];
  /** `created_by` of each history entry, in order. */
  history: string[];
}

/** 1.22, 1.22.3, 1.23rc1, optionally written go1.22.3 or v1.22.3. */
const VERSION = /^(?:go|v)?(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)$/;
/** Labels that name the Go version outright. */
const VERSION_LABEL = /(^|[._-])go(lang)?[._-]?version$/i;
/** The official golang images set GOLANG_VERSION; builds often pass GO_VERSION. */
const VERSION_ENV = /^(?:GOLANG_VERSION|GO_VERSION)=(.*)$/;
const VERSION_IN_HISTORY = /\bGO(?:LANG)?_VERSION[= ]"?(?:go|v)?(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)\b/;
/** The OCI annotation naming the base image, when it is golang:<version>... */
const BASE_NAME = 'org.opencontainers.image.base.name';
const GOLANG_BASE = /(?:^|\/)golang:(?:go)?(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)(?:[-@]|$)/;

const go = (version: string) => `go${version}`;

/**
 * The Go version an image says it was built with, as `go1.22.3` (runtime.Version()'s form, the
 * one image-info reports), from the most explicit source to the least: a label naming it
 * (`go.version`, `golang.version`, `org.golang.version`...), the OCI base-image label when the base
 * is `golang:<version>`, the config's GOLANG_VERSION / GO_VERSION, then a history step setting
 * one. A Go toolchain in the image (the last three) is itself a sign the binary was built in the
 * image it runs in. null when nothing says: absence proves nothing.
 */
export function findGoVersion(config: ImageConfigFacts): string | null {
  for (const [key, value] of Object.entries(config.labels)) {
    const version = VERSION_LABEL.test(key) ? VERSION.exec(value.trim()) : null;
    if (version?.[1]) return go(version[1]);
  }
  const base = GOLANG_BASE.exec(config.labels[BASE_NAME] ?? '');
  if (base?.[1]) return go(base[1]);
  for (const entry of config.env) {
    const version = VERSION.exec(VERSION_ENV.exec(entry)?.[1]?.trim() ?? '');
    if (version?.[1]) return go(version[1]);
  }
  for (const step of [...config.history].reverse()) {
    const version = VERSION_IN_HISTORY.exec(step);
    if (version?.[1]) return go(version[1]);
  }
  return null;
}

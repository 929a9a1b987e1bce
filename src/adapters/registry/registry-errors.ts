import { EvidenceError } from '../../core/evidence-ports.js';
import { networkFailure } from '../network-failure.js';

export interface RegistryTarget {
  /** The registry as the image reference names it, e.g. ghcr.io or 127.0.0.1:5000. */
  registry: string;
  /** The image asked about, written out in full. */
  image: string;
  repository: string;
  timeoutMs: number;
  /** Whether OOM_CHECK_REGISTRY_AUTH has an entry for the registry. */
  hasCredentials: boolean;
  insecure: boolean;
}

/** A request that got no HTTP answer: timed out, refused, unresolvable, or a TLS failure. */
export function registryNetworkError(error: unknown, target: RegistryTarget, origin: string): EvidenceError {
  if (error instanceof EvidenceError) return error;
  const failure = networkFailure(error);
  if (failure.timedOut) {
    return new EvidenceError(
      'registry',
      'Timeout',
      `${origin} did not answer within OOM_CHECK_REGISTRY_TIMEOUT (${target.timeoutMs} ms) while describing ${target.image}: check that the registry is reachable from oom-check, or raise OOM_CHECK_REGISTRY_TIMEOUT`,
      { cause: error },
    );
  }
  const code = failure.code ?? 'unknown error';
  // https to a registry that speaks plain http fails the handshake with EPROTO (wrong version number).
  const tls = failure.tls || code.includes('EPROTO');
  const hint = tls && !target.insecure
    ? `if ${target.registry} serves plain http, add it to OOM_CHECK_REGISTRY_INSECURE; otherwise check its TLS certificate`
    : `check the registry host in the image reference${target.insecure ? ` and whether ${target.registry} really serves plain http (OOM_CHECK_REGISTRY_INSECURE)` : ''}`;
  if (failure.unreachable || tls) {
    return new EvidenceError('registry', 'Unreachable', `cannot reach ${origin} (${code}) to describe ${target.image}: ${hint}`, { cause: error });
  }
  return new EvidenceError('registry', 'Unreachable', `asking ${origin} about ${target.image} failed (${code}: ${(error as Error).message ?? String(error)}): ${hint}`, { cause: error });
}

/** The registry's error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}`. */
function registrySaid(body: string): string {
  try {
    const json = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const first = json.errors?.[0];
    if (first && (typeof first.code === 'string' || typeof first.message === 'string')) {
      return ` ${[first.code, first.message].filter((part) => typeof part === 'string').join(': ').slice(0, 300)}`;
    }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  return '';
}

/** An HTTP answer other than 200 (after auth and redirects), as the error that says what to check. */
export function registryHttpError(status: number, body: string, target: RegistryTarget, what: string): EvidenceError {
  const said = `HTTP ${status}${registrySaid(body)}`;
  const entry = `the entry for "${target.registry}" in OOM_CHECK_REGISTRY_AUTH`;
  if (status === 401) {
    return new EvidenceError(
      'registry',
      'Unauthorized',
      target.hasCredentials
        ? `${target.registry} refused the credentials of ${entry} (${said}): check its username and password, or token`
        : `${target.registry} asks for credentials to read ${target.repository} (${said}): add an entry for "${target.registry}" to OOM_CHECK_REGISTRY_AUTH`,
    );
  }
  if (status === 403) {
    return new EvidenceError(
      'registry',
      'Unauthorized',
      `${target.registry} denied access to ${target.repository} (${said}): ${target.hasCredentials ? `${entry} needs pull access to it` : `add an entry for "${target.registry}" to OOM_CHECK_REGISTRY_AUTH with pull access`}`,
    );
  }
  if (status === 404) {
    return new EvidenceError('registry', 'NotFound', `${target.registry} has no ${what} for ${target.image} (${said}): check the repository name and the tag or digest`);
  }
  if (status === 429) {
    return new EvidenceError('registry', 'ServerError', `${target.registry} is rate-limiting oom-check (${said}): try again later${target.hasCredentials ? '' : `, or add credentials for "${target.registry}" to OOM_CHECK_REGISTRY_AUTH (anonymous pulls are limited more)`}`);
  }
  if (status >= 500) {
    return new EvidenceError('registry', 'ServerError', `${target.registry} could not answer now (${said}) about ${target.image}: try again later`);
  }
  return new EvidenceError('registry', 'BadResponse', `${target.registry} answered ${said} for the ${what} of ${target.image}`);
}

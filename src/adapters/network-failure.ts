/** Codes of a request that never reached the server (or lost it mid-way); any `ECONN*` counts too. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** What a request that got no HTTP answer says of itself; each adapter words its own message from it. */
export interface NetworkFailure {
  /** Aborted by its timeout signal (fetch names it TimeoutError, client-node AbortError). */
  timedOut: boolean;
  /** The system or undici code, from the error or the first of its causes that has one. */
  code: string | undefined;
  /** The code says the server could not be reached: refused, reset, unresolvable, no route. */
  unreachable: boolean;
  /** The code says the TLS handshake failed: a certificate not trusted, expired or for another host. */
  tls: boolean;
}

/** fetch (undici) wraps the system error in a TypeError, so the code sits one or more causes down. */
function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function networkFailure(error: unknown): NetworkFailure {
  const name = (error as { name?: unknown }).name;
  const code = codeOf(error);
  return {
    timedOut: name === 'TimeoutError' || name === 'AbortError',
    code,
    unreachable: code !== undefined && (UNREACHABLE.has(code) || code.startsWith('ECONN')),
    tls: code !== undefined && TLS_CODE.test(code),
  };
}

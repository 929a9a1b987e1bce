export interface Challenge {
  /** Lower case: basic, bearer, ... */
  scheme: string;
  /** realm, service, scope, ... with quotes and escapes removed. */
  params: Record<string, string>;
}

/**
 * The first challenge of a `WWW-Authenticate` header (RFC 7235), e.g.
 * `Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a/b:pull,push"`.
 * Quoted values may hold commas and escaped quotes; registries send one challenge, and a second
 * one, if any, is ignored. null when the header is missing or has no scheme.
 */
export function parseWwwAuthenticate(header: string | null): Challenge | null {
  if (!header) return null;
  const scheme = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)/.exec(header);
  if (!scheme?.[1]) return null;
  const params: Record<string, string> = {};
  const param = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;
  param.lastIndex = scheme[0].length;
  for (let match = param.exec(header); match; match = param.exec(header)) {
    const [, key, quoted, token] = match;
    if (key) params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (token ?? '');
    if (param.lastIndex >= header.length) break;
  }
  return { scheme: scheme[1].toLowerCase(), params };
}

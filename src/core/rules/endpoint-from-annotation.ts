/** Pod annotations that override the runbook's image-info and health endpoints, as `PORT/PATH`. */
export const IMAGE_INFO_ANNOTATION = 'oom-check.io/image-info';
export const HEALTH_ANNOTATION = 'oom-check.io/health';

export type AnnotatedEndpoint = { ok: true; port: number | string; path: string } | { ok: false; problem: string };

const MAX_LENGTH = 1024;
const EXAMPLE = 'write PORT/PATH, e.g. 9090/debug/image-info or http/internal/health';

/** IANA_SVC_NAME, as Kubernetes validates named container ports. */
function portNameProblem(name: string): string | null {
  const ok = name.length <= 15 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name) && /[a-z]/.test(name);
  return ok
    ? null
    : `port name ${name} is not a valid port name: at most 15 lower-case letters, digits and single inner '-', with at least one letter`;
}

function pathProblem(path: string): string | null {
  // "//host/x" would be read as a host by a URL resolver
  if (path.startsWith('//')) return `path ${path} must not start with //`;
  if (/[?#]/.test(path)) return `path ${path} must be a plain path, without query or fragment`;
  if (path.includes('\\')) return `path ${path} must not contain backslashes`;
  if (/%2f|%5c/i.test(path)) return `path ${path} must not contain encoded / or \\`;
  const segments = path.split('/').map((segment) => segment.replace(/%2e/gi, '.'));
  if (segments.includes('..')) return `path ${path} must not contain .. segments`;
  return null;
}

/**
 * Reads an endpoint override such as `9090/debug/image-info` or `http/internal/health`. The value
 * comes from whoever can edit the pod, so it is held to a port and a plain path on that pod: no
 * scheme, no host, no way out of the path through `..`.
 */
export function endpointFromAnnotation(value: string): AnnotatedEndpoint {
  if (value.length > MAX_LENGTH) return { ok: false, problem: `value is ${value.length} characters; at most ${MAX_LENGTH} are accepted` };
  if (value === '') return { ok: false, problem: `value is empty: ${EXAMPLE}` };
  if (/[^\x21-\x7e]/.test(value)) return { ok: false, problem: 'value must not contain whitespace, control or non-ASCII characters' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { ok: false, problem: `value must not include a scheme or host: ${EXAMPLE}` };
  const slash = value.indexOf('/');
  if (slash < 0) return { ok: false, problem: `value has no path: ${EXAMPLE}` };
  if (slash === 0) return { ok: false, problem: `value must start with a port number or name: ${EXAMPLE}` };
  const portText = value.slice(0, slash);
  const path = value.slice(slash);
  if (portText.includes(':') || portText.includes('.')) {
    return { ok: false, problem: `value must not include a host (${portText}): the endpoint is always on the pod itself; ${EXAMPLE}` };
  }
  let port: number | string;
  if (/^\d+$/.test(portText)) {
    port = Number(portText);
    if (port < 1 || port > 65535) return { ok: false, problem: `port ${portText} must be from 1 to 65535` };
  } else {
    const problem = portNameProblem(portText);
    if (problem) return { ok: false, problem };
    port = portText;
  }
  const problem = pathProblem(path);
  return problem ? { ok: false, problem } : { ok: true, port, path };
}

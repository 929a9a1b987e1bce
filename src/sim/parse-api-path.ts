/**
 * Splits an API URL path into group, version, resource, namespace, name and subresource. Each
 * segment is URL-decoded on its own, which is what turns client-node's `pod%3A8080` into `pod:8080`
 * and its proxy path `debug%2Fimage-info` into `debug/image-info`.
 */
import { ApiError } from './api-error.js';
import { findResource, type ResourceDef } from './resource-registry.js';

export interface ApiPath {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** What follows the subresource (the proxied path for pods/proxy), decoded, without a leading slash. */
  rest: string;
}

/** The parsed path, or undefined when it names no served resource (a 404 for the caller). */
export function parseApiPath(pathname: string): ApiPath | undefined {
  let segments: string[];
  try {
    segments = pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw ApiError.badRequest(`malformed URL path: ${pathname}`);
  }
  if (segments.at(-1) === '') segments.pop();
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') [group, version, rest] = ['', segments[1] ?? '', segments.slice(2)];
  else if (segments[0] === 'apis') [group, version, rest] = [segments[1] ?? '', segments[2] ?? '', segments.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', name, subresource, ...tail] = rest;
  const def = findResource(group, version, resource);
  if (!def) return undefined;
  if (def.namespaced === false && namespace !== undefined) return undefined;
  if (def.namespaced && namespace === undefined && name !== undefined) return undefined;
  const parsed: ApiPath = { def, rest: tail.join('/') };
  if (namespace !== undefined) parsed.namespace = namespace;
  if (name !== undefined) parsed.name = name;
  if (subresource !== undefined) parsed.subresource = subresource;
  return parsed;
}

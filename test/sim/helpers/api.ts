/** Plain HTTP calls to a simulator, for what a typed client would hide (status codes, headers, raw bodies). */
export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: <T>() => JSON.parse(text) as T };
}

/** A strategic-merge PATCH, as kubectl sends it. */
export function strategicPatch(base: string, path: string, body: unknown): Promise<RawResponse> {
  return call(base, 'PATCH', path, body, { 'Content-Type': 'application/strategic-merge-patch+json' });
}

export const raiseInit = (container: string, memory: string) => ({
  spec: { template: { spec: { initContainers: [{ name: container, resources: { limits: { memory } } }] } } },
});

/** Reading a simulator's newline-delimited JSON watch stream, as a client sees it. */

export interface WatchEvent<T = WatchedObject> {
  type: string;
  object: T;
  /** When the event arrived (real ms): lets a test check the spacing the simulated clock promised. */
  receivedMs: number;
}

export interface WatchedObject {
  kind?: string;
  metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> };
  status?: { phase?: string };
}

/** Reads a watch stream until `until` says stop (or the server ends it). */
export async function readWatch<T = WatchedObject>(url: string, until: (events: Array<WatchEvent<T>>) => boolean, headers: Record<string, string> = {}): Promise<Array<WatchEvent<T>>> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers });
  if (res.status !== 200) throw new Error(`watch ${url} answered ${res.status}: ${await res.text()}`);
  const events: Array<WatchEvent<T>> = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const event = JSON.parse(buffer.slice(0, newline)) as { type: string; object: T };
        events.push({ ...event, receivedMs: Date.now() });
        buffer = buffer.slice(newline + 1);
      }
      if (until(events)) break;
    }
  } finally {
    controller.abort();
  }
  return events;
}

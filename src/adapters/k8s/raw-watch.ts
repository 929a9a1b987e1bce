import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeConfig } from '@kubernetes/client-node';

export interface WatchTiming {
  /** Until the response headers arrive. */
  connectMs: number;
  /** Between two lines (events or bookmarks): a watch that says nothing this long is presumed dead. */
  idleMs: number;
}

export interface WatchHandlers {
  onEvent(type: string, object: unknown): void;
  /** Called once: null when the server ended the watch, else why it failed. */
  onDone(error: Error | null): void;
}

/** The watch stopped hearing from the API server: it is frozen, or the connection silently died. */
export class WatchIdleError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * A Kubernetes watch (newline-delimited JSON) over node's http, with the deadlines client-node's
 * Watch lacks: it awaits the response headers without a timeout and never notices a connection
 * that stays open but silent. Returns a function that ends the watch.
 */
export async function rawWatch(kc: KubeConfig, path: string, query: Record<string, string>, timing: WatchTiming, handlers: WatchHandlers): Promise<() => void> {
  const url = new URL(path, kc.getCurrentCluster()?.server ?? '');
  for (const [key, value] of Object.entries({ ...query, watch: 'true' })) url.searchParams.set(key, value);
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const transport = url.protocol === 'https:' ? https : http;
  const controller = new AbortController();
  let done = false;
  let idle: NodeJS.Timeout | undefined;
  const finish = (error: Error | null) => {
    if (done) return;
    done = true;
    clearTimeout(idle);
    controller.abort();
    handlers.onDone(error);
  };
  const quiet = (ms: number, what: string) => {
    clearTimeout(idle);
    idle = setTimeout(() => finish(new WatchIdleError(`the watch on ${url.pathname} heard nothing for ${Math.round(ms / 1000)} s ${what}`)), ms);
  };
  quiet(timing.connectMs, 'after connecting');
  const request = transport.request(url, { ...options, signal: controller.signal }, (response) => {
    if (response.statusCode !== 200) {
      const status = response.statusCode ?? 0;
      response.resume();
      finish(Object.assign(new Error(`watch ${url.pathname} answered HTTP ${status}`), { code: status }));
      return;
    }
    quiet(timing.idleMs, 'since its last event');
    const lines = createInterface({ input: response });
    lines.on('line', (line) => {
      quiet(timing.idleMs, 'since its last event');
      let event: { type?: unknown; object?: unknown };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return; // a torn line from a dying connection: the watch ends and is listed again
      }
      if (typeof event.type === 'string') handlers.onEvent(event.type, event.object);
    });
    response.on('end', () => finish(null));
    // readline re-emits its input's errors; ending the watch ourselves makes the response emit one.
    lines.on('error', (error) => finish(error));
    response.on('error', (error) => finish(error));
  });
  request.on('error', (error) => finish(error));
  request.end();
  return () => finish(null);
}

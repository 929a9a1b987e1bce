import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../core/ports.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface BotServerOptions {
  log: Logger;
  /** POST /slack/events in HTTP mode. */
  slack: RouteHandler | null;
  readiness(): Promise<Readiness>;
  /** More routes, keyed `METHOD /path` (the Alertmanager webhook). */
  routes?: Record<string, RouteHandler>;
}

/**
 * The bot's one HTTP server: it answers its health from the moment it listens, before the bot's
 * modules are loaded, then the bot hands it its routes (`handle`).
 */
export interface BotHttpServer {
  server: http.Server;
  handle(listener: RequestListener): void;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * Until start-up is over: /healthz 200 (the process is alive and its event loop answers),
 * /readyz 503 (start-up is not over), any other route 503 with Retry-After, as a bot that is
 * not listening yet would be retried (Slack and Alertmanager retry a failed delivery).
 */
function startingListener(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://bot').pathname;
  req.resume();
  if (req.method === 'GET' && path === '/healthz') sendJson(res, 200, { status: 'ok' });
  else if (req.method === 'GET' && path === '/readyz') sendJson(res, 503, { status: 'not ready', checks: { 'start-up': 'starting' } });
  else {
    res.setHeader('retry-after', '1');
    sendJson(res, 503, { error: 'oom-check is starting; try again in a moment' });
  }
}

export const KEEP_ALIVE_MS = 95_000;

/** A server that answers as a starting bot until `handle` gives it the bot's routes. Not listening yet. */
export function startingServer(): BotHttpServer {
  let listener: RequestListener = startingListener;
  const server = http.createServer((req, res) => listener(req, res));
  // Senders keep a connection open between deliveries (Alertmanager's client for minutes, proxies
  // and load balancers for about one). Node closes an idle one after 5 s, and a POST sent just as
  // it closes fails with a reset that fetch-like clients do not retry: keep idle ones longer.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  return { server, handle: (next) => (listener = next) };
}

/**
 * The bot's routes: Slack's events, health and readiness, webhooks. Owned here rather than by
 * Bolt so the same routes exist in HTTP and Socket Mode.
 */
export function botRequestListener(options: BotServerOptions): RequestListener {
  const routes: Record<string, RouteHandler> = {
    'GET /healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    'GET /readyz': async (_req, res) => {
      const readiness = await options.readiness();
      sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks });
    },
    ...(options.slack ? { 'POST /slack/events': options.slack } : {}),
    ...options.routes,
  };
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://bot').pathname;
    const route = routes[`${req.method} ${path}`];
    if (!route) {
      const known = Object.keys(routes).some((key) => key.endsWith(` ${path}`));
      sendJson(res, known ? 405 : 404, { error: known ? `${req.method} is not allowed on ${path}` : `no route ${path}` });
      return;
    }
    Promise.resolve()
      .then(() => route(req, res))
      .catch((error: unknown) => {
        options.log.error({ err: error, path }, 'an HTTP route failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error; see the bot log' });
        else res.end();
      });
  };
}

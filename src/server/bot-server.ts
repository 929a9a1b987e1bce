import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../core/ports.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

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

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/**
 * The bot's one HTTP server: Slack's events, health and readiness, webhooks. Owned here rather
 * than by Bolt so the same routes exist in HTTP and Socket Mode.
 */
export function createBotServer(options: BotServerOptions): http.Server {
  const routes: Record<string, RouteHandler> = {
    'GET /healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    'GET /readyz': async (_req, res) => {
      const readiness = await options.readiness();
      sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks });
    },
    ...(options.slack ? { 'POST /slack/events': options.slack } : {}),
    ...options.routes,
  };
  return http.createServer((req, res) => {
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
  });
}

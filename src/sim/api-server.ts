/**
 * The HTTP front of the simulator: discovery, the generic REST verbs, pods/proxy, pods/exec
 * (WebSocket upgrade), and /metrics (what kube-state-metrics and cAdvisor would export; a real API
 * server's /metrics is about itself). Every request is recorded (method, path, query, content type, status) so
 * tests can assert what a real client actually asked for. Any failure becomes a Status object;
 * an unexpected one is logged and answered 500, never a dropped connection.
 */
import { BodyTooLarge, readBody } from '../server/read-body.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ApiError } from './api-error.js';
import { discoveryDocument } from './discovery.js';
import { refuseUpgrade, type ExecSocket } from './exec-socket.js';
import { parseApiPath } from './parse-api-path.js';
import { PodProxy } from './pod-proxy.js';
import { authorize, RestHandlers, sendJson, type ApiContext } from './rest-handlers.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType?: string;
  userAgent?: string;
  /** 0 until the response has been sent (e.g. an open watch); 101 for an upgraded exec. */
  status: number;
}

/** The API server's own limit on request bodies. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The body as text; too large is the API server's 413. */
async function readText(req: IncomingMessage): Promise<string> {
  try {
    return (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLarge) throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
    throw error;
  }
}

export class ApiServer {
  private readonly server: Server;
  private readonly rest: RestHandlers;
  private readonly watches = new Set<() => void>();
  readonly requests: RecordedRequest[] = [];

  constructor(
    private readonly ctx: Omit<ApiContext, 'trackWatch'>,
    private readonly proxy: PodProxy,
    private readonly exec: ExecSocket,
    private readonly log: Logger,
    /** The exposition served at GET /metrics (kube-state-metrics and cAdvisor). */
    private readonly metrics: () => string = () => '',
  ) {
    this.rest = new RestHandlers({
      ...ctx,
      trackWatch: (stop) => {
        this.watches.add(stop);
      },
    });
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Ends open watches and exec sessions, then every connection. */
  close(): Promise<void> {
    for (const stop of this.watches) stop();
    this.watches.clear();
    this.exec.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private record(req: IncomingMessage, url: URL): RecordedRequest {
    const entry: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0 };
    if (req.headers['content-type']) entry.contentType = req.headers['content-type'];
    if (req.headers['user-agent']) entry.userAgent = req.headers['user-agent'];
    this.requests.push(entry);
    return entry;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const entry = this.record(req, url);
    // 'close' also covers watches the client or the server cut off after the 200 went out.
    res.on('close', () => {
      entry.status = res.headersSent ? res.statusCode : 0;
    });
    try {
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? '' : await readText(req);
      this.route(req, res, url, method, body);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : ApiError.internal((error as Error).message);
      if (!(error instanceof ApiError)) this.log.error({ err: error, path: url.pathname }, 'simulator request failed');
      if (res.headersSent) res.destroy();
      else sendJson(res, apiError.code, apiError.toStatus());
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, method: string, body: string): void {
    if (method === 'GET' && url.pathname === '/metrics') {
      const text = this.metrics();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (method === 'GET') {
      const doc = discoveryDocument(url.pathname.replace(/\/$/, '') || '/', req.headers.host ?? '');
      if (doc !== undefined) return sendJson(res, 200, doc);
    }
    const path = parseApiPath(url.pathname);
    if (!path) throw ApiError.pathNotFound();
    if (path.subresource !== undefined) {
      if (path.def.kind !== 'Pod' || path.namespace === undefined || path.name === undefined) throw ApiError.pathNotFound();
      if (path.subresource === 'proxy') {
        if (method !== 'GET' && method !== 'HEAD') throw ApiError.methodNotAllowed();
        authorize(this.ctx, 'get', { resource: 'pods/proxy', group: '' }, path.namespace, PodProxy.podName(path.name));
        return this.proxy.serve(res, path.namespace, path.name, path.rest);
      }
      if (path.subresource === 'exec') throw ApiError.badRequest('Upgrade request required');
      if (path.subresource === 'log') {
        throw new ApiError(404, 'NotFound', 'pods/log is not simulated: the oom-check simulator keeps no container logs (see src/sim/README.md)', {});
      }
      throw ApiError.pathNotFound();
    }
    this.rest.handle({ method, path, query: url.searchParams, req, res, body });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const entry = this.record(req, url);
    socket.on('error', (error) => this.log.debug({ err: error }, 'exec socket error'));
    try {
      const path = parseApiPath(url.pathname);
      if (!path || path.def.kind !== 'Pod' || path.subresource !== 'exec' || !path.namespace || !path.name) throw ApiError.pathNotFound();
      authorize(this.ctx, 'create', { resource: 'pods/exec', group: '' }, path.namespace, path.name);
      this.exec.upgrade(req, socket, head, path.namespace, path.name, url.searchParams);
      entry.status = 101;
    } catch (error) {
      const apiError = error instanceof ApiError ? error : ApiError.internal((error as Error).message);
      if (!(error instanceof ApiError)) this.log.error({ err: error, path: url.pathname }, 'simulator exec failed');
      entry.status = apiError.code;
      refuseUpgrade(socket, apiError);
    }
  }
}

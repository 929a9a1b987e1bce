import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';

/** What happens to one request: forwarded, held for a while (or until a promise settles), never answered, or cut. */
export type Fault = 'pass' | 'hang' | 'reset' | { delayMs: number } | { until: Promise<unknown> } | { respond: { status: number; body: string } };

export interface ProxiedRequest {
  index: number;
  method: string;
  url: string;
  watch: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: put it in a kubeconfig instead of the API server's address. */
  url: string;
  requests(): readonly ProxiedRequest[];
  /** Decides the fate of each request as it arrives (default: pass). */
  rule(decide: (request: ProxiedRequest) => Fault): void;
  /**
   * Called when the API server has answered a request (the whole body; a watch's headers), before
   * the client sees the answer: the moment to kill a client "right after" a request took effect.
   */
  onAnswered(hook: (request: ProxiedRequest) => void): void;
  /** From now on, as a SIGSTOPped API server: connections accepted, nothing answered, streams silent. */
  freeze(): void;
  close(): Promise<void>;
}

/**
 * A fault-injecting HTTP proxy in front of the Kubernetes API simulator, for the fault campaign:
 * delay, hang or cut a given request, freeze the whole server, or act the moment a request has
 * been answered. Loopback only; upgrades (exec) are not proxied.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const streams = new Set<IncomingMessage>();
  let decide: (request: ProxiedRequest) => Fault = () => 'pass';
  let answered: (request: ProxiedRequest) => void = () => {};
  let frozen = false;

  const forward = (request: ProxiedRequest, req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstreamRequest = http.request(new URL(req.url ?? '/', upstream), { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } }, (answer) => {
      if (request.watch) {
        answered(request);
        if (frozen) return;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        streams.add(answer);
        answer.on('close', () => streams.delete(answer));
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        answered(request);
        if (frozen || res.destroyed) return;
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
      });
    });
    upstreamRequest.on('error', () => res.destroy());
    upstreamRequest.end(body);
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const request: ProxiedRequest = { index: seen.length + 1, method: req.method ?? 'GET', url, watch: /[?&]watch=(true|1)/.test(url) };
    seen.push(request);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const fault = frozen ? 'hang' : decide(request);
      if (fault === 'hang') return;
      if (fault === 'reset') return void req.socket.destroy();
      const go = () => (frozen ? undefined : forward(request, req, res, Buffer.concat(chunks)));
      if (fault === 'pass') go();
      else if ('respond' in fault) res.writeHead(fault.respond.status, { 'content-type': 'application/json' }).end(fault.respond.body);
      else if ('until' in fault) void fault.until.finally(go);
      else setTimeout(go, fault.delayMs);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => seen,
    rule: (next) => {
      decide = next;
    },
    onAnswered: (hook) => {
      answered = hook;
    },
    freeze: () => {
      frozen = true;
      // A stopped process sends nothing more on the streams it had open, and does not close them either.
      for (const stream of streams) stream.unpipe().pause();
    },
    close: async () => {
      for (const stream of streams) stream.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

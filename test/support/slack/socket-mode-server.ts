/**
 * Slack's side of Socket Mode, for @slack/socket-mode's SocketModeClient (Bolt's
 * SocketModeReceiver). The client gets a one-use URL from `apps.connections.open`, opens a
 * WebSocket, waits for `hello` (its `start()` resolves on it), then answers every envelope with
 * `{ envelope_id, payload }` as its ack. It pings every clientPingTimeout/3 ms and expects pongs
 * (`ws` answers pings itself); `{ type: 'disconnect' }` makes it close and, unless it is shutting
 * down, reconnect through `apps.connections.open` again.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketSendOptions {
  retryAttempt?: number;
  retryReason?: string;
  /** Defaults: slash commands and view_submission/block_suggestion interactions true, the rest false. */
  acceptsResponsePayload?: boolean;
  /** How long to wait for the client's ack (default 5000 ms). */
  timeoutMs?: number;
}

export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: object;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** The client's acknowledgement, as sent on the wire. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

interface PendingAck {
  ws: WebSocket;
  resolve: (ack: SocketAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** How long `close()` waits for a client to finish the close handshake before cutting the TCP connection. */
const CLOSE_GRACE_MS = 1000;

function acceptsResponse(type: EnvelopeType, payload: object): boolean {
  if (type === 'slash_commands') return true;
  const kind = 'type' in payload ? payload.type : undefined;
  return type === 'interactive' && (kind === 'view_submission' || kind === 'block_suggestion');
}

function closed(ws: WebSocket, graceMs: number): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), graceMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, PendingAck>();
  private readonly connectWaiters = new Set<() => void>();
  private readonly inbound: unknown[] = [];
  private connectionsSoFar = 0;
  /** Socket-level errors (e.g. a client resetting its connection); informational. */
  readonly errors: Error[] = [];

  constructor(private readonly appId: string) {}

  /** A ticket for one connection; `apps.connections.open` puts it in the URL. */
  issueTicket(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return ticket;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/socket-mode' || !this.tickets.delete(ticket)) {
      const status = url.pathname === '/socket-mode' ? '401 Unauthorized' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  /** Resolves once a client holds an open connection (it has been sent `hello`). */
  connected(timeoutMs = 5000): Promise<void> {
    if (this.clients.size > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.connectWaiters.delete(waiter);
        reject(new Error(`No Socket Mode client connected within ${timeoutMs} ms: was app.start() called with appToken and clientOptions.slackApiUrl = replica.apiUrl?`));
      }, timeoutMs);
      this.connectWaiters.add(waiter);
    });
  }

  connectionCount(): number {
    return this.clients.size;
  }

  /** Every message clients sent (acks), parsed, in arrival order. */
  received(): unknown[] {
    return [...this.inbound];
  }

  /** Sends an envelope to the newest connection; resolves with the client's ack. */
  send(type: EnvelopeType, payload: object, options: SocketSendOptions = {}): Promise<SocketAck> {
    const ws = [...this.clients].at(-1);
    if (ws === undefined) {
      return Promise.reject(new Error('No Socket Mode client is connected: await replica.socket.connected() first'));
    }
    const withRetry = type === 'events_api' || options.retryAttempt !== undefined || options.retryReason !== undefined;
    const envelope: SocketEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? acceptsResponse(type, payload),
      ...(withRetry ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' } : {}),
    };
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelope.envelope_id);
        reject(new Error(`The client did not ack ${type} envelope ${envelope.envelope_id} within ${timeoutMs} ms: does a listener call ack()?`));
      }, timeoutMs);
      this.pending.set(envelope.envelope_id, { ws, resolve, reject, timer });
      ws.send(JSON.stringify(envelope), (error) => {
        if (error === undefined || error === null) return;
        this.settle(envelope.envelope_id, error);
      });
    });
  }

  /** Sends `{ type: 'disconnect', reason }` to every client; resolves when they have closed (cut after timeoutMs). */
  async disconnect(reason = 'refresh_requested', timeoutMs = 5000): Promise<void> {
    const clients = [...this.clients];
    for (const ws of clients) this.sendDisconnect(ws, reason);
    await Promise.all(clients.map((ws) => closed(ws, timeoutMs)));
  }

  /** Tells clients `link_disabled`, closes their connections (cutting them after a grace period). */
  async close(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.settle(id, new Error('the Slack replica closed'));
    const sockets = [...this.wss.clients];
    for (const ws of sockets) {
      if (ws.readyState !== ws.OPEN) continue;
      this.sendDisconnect(ws, 'link_disabled');
      ws.close(1001, 'replica closing');
    }
    await Promise.all(sockets.map((ws) => closed(ws, CLOSE_GRACE_MS)));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private sendDisconnect(ws: WebSocket, reason: string): void {
    ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-replica' } }));
  }

  private onConnection(ws: WebSocket): void {
    this.connectionsSoFar += 1;
    ws.on('error', (error) => this.errors.push(error));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => {
      this.clients.delete(ws);
      for (const [id, pending] of this.pending) {
        if (pending.ws === ws) this.settle(id, new Error(`the client disconnected before acking envelope ${id}`));
      }
    });
    this.clients.add(ws);
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.clients.size,
        debug_info: { host: `applink-replica-${this.connectionsSoFar}`, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    for (const waiter of this.connectWaiters) waiter();
    this.connectWaiters.clear();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.errors.push(new Error('a client sent a binary frame; Socket Mode speaks JSON text frames'));
      return;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      this.errors.push(new Error(`a client sent a frame that is not JSON (${(error as Error).message}): ${text}`));
      return;
    }
    this.inbound.push(message);
    if (typeof message !== 'object' || message === null || !('envelope_id' in message)) return;
    this.settle(String(message.envelope_id), message as SocketAck);
  }

  private settle(envelopeId: string, outcome: SocketAck | Error): void {
    const pending = this.pending.get(envelopeId);
    if (pending === undefined) return;
    this.pending.delete(envelopeId);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }
}

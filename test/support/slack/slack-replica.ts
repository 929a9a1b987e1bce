/**
 * A local stand-in for Slack: the Web API under `/api/<method>`, the file upload URLs it hands
 * out, and the Socket Mode WebSocket, all on one 127.0.0.1 port. The real clients (WebClient,
 * Bolt's receivers, SocketModeClient) are pointed at it with `slackApiUrl: replica.apiUrl`; every
 * call is recorded for assertions, and faults can be programmed per method. It never contacts
 * any other host.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CallLog, type CallPredicate, type RecordedCall } from './call-log.js';
import {
  FakeWorkspace,
  type ReplicaUpload,
  type SlackChannelRecord,
  type SlackUserRecord,
  type StoredMessage,
  type WorkspaceOptions,
} from './fake-workspace.js';
import { FaultQueue, type SlackFault } from './fault-queue.js';
import { BodyFormatError, mediaType, parseApiBody, parseQueryArgs, readMultipart } from './parse-api-body.js';
import { replicaIdentity } from './replica-identity.js';
import { ReplicaRateLimiter, type ReplicaRateLimitOptions } from './replica-rate-limits.js';
import { SocketModeServer, type EnvelopeType, type SocketAck, type SocketSendOptions } from './socket-mode-server.js';
import { webApiMethods, type MethodAnswer, type MethodContext, type MethodHandler } from './web-api-methods.js';

export type { RecordedCall, CallPredicate, SlackFault, ReplicaUpload, StoredMessage, SocketAck, SocketSendOptions, EnvelopeType };
export type { MethodAnswer, MethodContext, MethodHandler };

export interface SlackReplicaOptions extends WorkspaceOptions {
  /** Tokens the replica accepts; by default any `xoxb-`/`xoxp-` (Web API) or `xapp-` (Socket Mode) token. */
  tokens?: string[];
  /** chat.update / chat.delete of a ts the replica never posted answers `message_not_found` (default true). */
  strictMessages?: boolean;
  /** Enforce Slack's per-method, per-channel rate limits (429 + Retry-After); off by default. */
  rateLimits?: ReplicaRateLimitOptions;
}

export interface ReplicaSocket {
  /** Resolves once a Socket Mode client holds an open connection. */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the newest connection; resolves with its ack `{ envelope_id, payload }`. */
  send(type: EnvelopeType, payload: object, options?: SocketSendOptions): Promise<SocketAck>;
  /** Sends `{ type: 'disconnect', reason }` to every client; resolves when they have closed. */
  disconnect(reason?: string, timeoutMs?: number): Promise<void>;
  connectionCount(): number;
  /** Every message clients sent, parsed, in order. */
  received(): unknown[];
}

export interface SlackReplica {
  /** `http://127.0.0.1:PORT/api/`, for `slackApiUrl` / `SLACK_API_URL`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly socket: ReplicaSocket;
  /** The next `times` attempts at `method` get `fault` (after auth), in the order faults were queued. */
  failNext(method: string, fault: SlackFault, times?: number): void;
  /** Faults queued but not yet consumed, per method. */
  pendingFaults(): Record<string, number>;
  /** Answers `method` with `handler` instead of the built-in behaviour (or adds a method). */
  respondTo(method: string, handler: MethodHandler): void;
  /** Calls answered 429 by the rate limiter (rateLimits on), in arrival order. */
  rateLimited(): RecordedCall[];
  /** Recorded calls (faulted attempts included), in arrival order. */
  calls(method?: string): RecordedCall[];
  /** The first non-faulted call to `method` matching `predicate`, already recorded or still to come. */
  waitForCall(method: string, predicate?: CallPredicate, timeoutMs?: number): Promise<RecordedCall>;
  /** Uploads by file id: bytes/content posted to the upload URL and the completeUploadExternal details. */
  uploads(): ReadonlyMap<string, ReplicaUpload>;
  /** Messages as they stand now (after updates/deletes), in post order. */
  messages(channel?: string): StoredMessage[];
  /** Views opened (and updated) through views.open/push/update. */
  views(): Record<string, unknown>[];
  setUsergroupMembers(groupId: string, members: string[] | undefined, handle?: string): void;
  setUser(id: string, fields: Partial<SlackUserRecord>): void;
  setChannel(id: string, fields: Partial<SlackChannelRecord>): void;
  /** Forgets calls, faults, messages, views and uploads; keeps configuration; ts and ids keep counting. */
  reset(): void;
  /** Closes Socket Mode connections and the server; rejects if the replica itself hit an internal error. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

class SlackReplicaServer implements SlackReplica {
  readonly apiUrl: string;
  readonly origin: string;
  readonly socket: ReplicaSocket;
  private readonly log = new CallLog();
  private readonly faults = new FaultQueue();
  private readonly responders = new Map<string, MethodHandler>();
  private readonly internalErrors: Error[] = [];
  private readonly limited: RecordedCall[] = [];
  private readonly context: MethodContext;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    port: number,
    private readonly workspace: FakeWorkspace,
    private readonly sockets: SocketModeServer,
    private readonly tokens: ReadonlySet<string> | undefined,
    strictMessages: boolean,
    private readonly limiter: ReplicaRateLimiter | undefined,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.origin}/api/`;
    this.socket = {
      connected: (timeoutMs) => sockets.connected(timeoutMs),
      send: (type, payload, options) => sockets.send(type, payload, options),
      disconnect: (reason, timeoutMs) => sockets.disconnect(reason, timeoutMs),
      connectionCount: () => sockets.connectionCount(),
      received: () => sockets.received(),
    };
    this.context = {
      workspace,
      origin: this.origin,
      strictMessages,
      socketUrl: () => `ws://127.0.0.1:${port}/socket-mode?ticket=${sockets.issueTicket()}&app_id=${replicaIdentity.appId}`,
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => sockets.handleUpgrade(req, socket, head));
  }

  failNext(method: string, fault: SlackFault, times = 1): void {
    this.faults.push(method, fault, times);
  }

  pendingFaults(): Record<string, number> {
    return this.faults.pending();
  }

  respondTo(method: string, handler: MethodHandler): void {
    this.responders.set(method, handler);
  }

  calls(method?: string): RecordedCall[] {
    return this.log.list(method);
  }

  rateLimited(): RecordedCall[] {
    return [...this.limited];
  }

  waitForCall(method: string, predicate: CallPredicate = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    return this.log.waitFor(method, predicate, timeoutMs);
  }

  uploads(): ReadonlyMap<string, ReplicaUpload> {
    return new Map([...this.workspace.uploads].map(([id, upload]) => [id, { ...upload }]));
  }

  messages(channel?: string): StoredMessage[] {
    return [...this.workspace.messages.values()].filter((m) => channel === undefined || m.channel === channel).map((m) => ({ ...m }));
  }

  views(): Record<string, unknown>[] {
    return [...this.workspace.views.values()].map((v) => ({ ...v }));
  }

  setUsergroupMembers(groupId: string, members: string[] | undefined, handle?: string): void {
    if (members === undefined) this.workspace.usergroups.delete(groupId);
    else this.workspace.usergroups.set(groupId, [...members]);
    if (handle !== undefined) this.workspace.usergroupHandles.set(groupId, handle);
  }

  setUser(id: string, fields: Partial<SlackUserRecord>): void {
    this.workspace.setUser(id, fields);
  }

  setChannel(id: string, fields: Partial<SlackChannelRecord>): void {
    this.workspace.setChannel(id, fields);
  }

  reset(): void {
    this.log.clear();
    this.faults.clear();
    this.workspace.reset();
    this.limiter?.reset();
    this.limited.length = 0;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.log.abandon('the Slack replica closed');
    await this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    if (this.internalErrors.length > 0) {
      throw new AggregateError(this.internalErrors, `The Slack replica failed internally: ${this.internalErrors.map((e) => e.message).join('; ')}`);
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    try {
      if (url.pathname.startsWith('/api/')) {
        await this.onApiCall(req, res, url);
        return;
      }
      const upload = /^\/upload\/([A-Z0-9]+)$/.exec(url.pathname);
      if (upload?.[1] !== undefined && req.method === 'POST') {
        await this.onUpload(req, res, upload[1]);
        return;
      }
      sendText(res, 404, 'Not Found');
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.internalErrors.push(failure);
      if (res.headersSent) res.destroy(failure);
      else sendText(res, 500, `slack replica error: ${failure.message}`);
    }
  }

  private async onApiCall(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    if (req.method !== 'POST' && req.method !== 'GET') {
      sendText(res, 405, 'Method Not Allowed');
      return;
    }
    const raw = await readBody(req);
    const record = (args: Record<string, unknown>, status: number, response: MethodAnswer, faulted = false): void =>
      this.log.record({ method, args, headers: req.headers, at: new Date(), faulted, status, response });
    let args: Record<string, unknown>;
    try {
      args = { ...parseQueryArgs(url.searchParams), ...(await parseApiBody(raw, req.headers['content-type'])) };
    } catch (error) {
      if (!(error instanceof BodyFormatError)) throw error;
      const answer = { ok: false, error: error.slackError };
      record({}, 200, answer);
      this.sendJson(res, 200, answer);
      return;
    }
    const authError = this.authError(method, req.headers.authorization);
    const fault = authError === undefined ? this.faults.take(method) : undefined;
    const retryAfter = authError === undefined && fault === undefined ? (this.limiter?.admit(method, args) ?? null) : null;
    if (authError !== undefined) {
      const answer = { ok: false, error: authError };
      record(args, 200, answer);
      this.sendJson(res, 200, answer);
    } else if (fault !== undefined) {
      this.sendFault(res, fault, (status, answer) => record(args, status, answer, true));
    } else if (retryAfter !== null) {
      this.sendFault(res, { status: 429, retryAfter }, (status, answer) => {
        record(args, status, answer, true);
        this.limited.push(this.log.list().at(-1)!);
      });
    } else {
      const handler = this.responders.get(method) ?? webApiMethods.get(method);
      const answer = handler === undefined ? { ok: false, error: 'unknown_method' } : handler(args, this.context);
      record(args, 200, answer);
      this.sendJson(res, 200, answer);
    }
  }

  private authError(method: string, authorization: string | undefined): string | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) return 'not_authed';
    if (this.tokens !== undefined && !this.tokens.has(token)) return 'invalid_auth';
    const kind = /^(xoxb|xoxp|xapp)-/.exec(token)?.[1];
    if (kind === undefined) return 'invalid_auth';
    return APP_TOKEN_METHODS.has(method) === (kind === 'xapp') ? undefined : 'not_allowed_token_type';
  }

  private sendFault(res: ServerResponse, fault: SlackFault, record: (status: number, answer: MethodAnswer) => void): void {
    if ('error' in fault) {
      const answer = { ...fault.extra, ok: false, error: fault.error };
      record(200, answer);
      this.sendJson(res, 200, answer);
    } else if (fault.status === 429) {
      const answer = { ok: false, error: 'ratelimited' };
      record(429, answer);
      this.sendJson(res, 429, answer, { 'retry-after': String(fault.retryAfter) });
    } else {
      record(fault.status, { ok: false, error: `http_${fault.status}` });
      sendText(res, fault.status, 'An error occurred. Please try again later.');
    }
  }

  private sendJson(res: ServerResponse, status: number, body: MethodAnswer, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  /** Slack's upload URLs take the raw bytes or a multipart form (WebClient sends one file part). */
  private async onUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const raw = await readBody(req);
    const upload = this.workspace.uploads.get(fileId);
    if (upload === undefined) {
      sendText(res, 404, 'Not Found');
      return;
    }
    let bytes = raw;
    const contentType = req.headers['content-type'];
    if (mediaType(contentType) === 'multipart/form-data') {
      const parts = [...(await readMultipart(raw, contentType ?? '')).values()];
      const file = parts.find((p) => typeof p !== 'string') ?? parts[0];
      bytes = file === undefined ? Buffer.alloc(0) : typeof file === 'string' ? Buffer.from(file) : file.bytes;
    }
    upload.bytes = bytes;
    upload.content = bytes.toString('utf8');
    sendText(res, 200, `OK - ${bytes.length}`);
  }
}

export async function startSlackReplica(options: SlackReplicaOptions = {}): Promise<SlackReplica> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return new SlackReplicaServer(
    server,
    port,
    new FakeWorkspace(options),
    new SocketModeServer(replicaIdentity.appId),
    options.tokens === undefined ? undefined : new Set(options.tokens),
    options.strictMessages ?? true,
    options.rateLimits === undefined ? undefined : new ReplicaRateLimiter(options.rateLimits),
  );
}

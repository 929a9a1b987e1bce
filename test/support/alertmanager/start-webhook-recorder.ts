import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** ms since the recorder started. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body JSON-parsed, or null when it is not JSON. */
  body: unknown;
  /** The status the recorder answered. */
  answeredWith: number;
}

export interface WebhookRecorder {
  /** http://127.0.0.1:PORT/webhooks/alertmanager */
  url: string;
  requests: RecordedRequest[];
  /** Decides the status of each reply (default 200 for every request). */
  answer: (request: Omit<RecordedRequest, 'answeredWith'>) => number;
  /** Resolves with the first `count` requests that match, as soon as they have arrived; rejects after timeoutMs. */
  waitFor(match: (request: RecordedRequest) => boolean, options?: { count?: number; timeoutMs?: number }): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** A local HTTP server that records every request Alertmanager sends it and answers as told. */
export async function startWebhookRecorder(): Promise<WebhookRecorder> {
  const started = Date.now();
  const arrivals = new EventEmitter();
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const seen = { at: Date.now() - started, method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body: parseJson(rawBody) };
      const status = recorder.answer(seen);
      requests.push({ ...seen, answeredWith: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try again');
      arrivals.emit('request');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const recorder: WebhookRecorder = {
    url: `http://127.0.0.1:${port}/webhooks/alertmanager`,
    requests,
    answer: () => 200,
    waitFor(match, { count = 1, timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.filter(match);
          if (found.length < count) return;
          done();
          resolve(found.slice(0, count));
        };
        const timer = setTimeout(() => {
          done();
          const seen = requests.map((r) => `${r.at} ms ${r.method} ${r.path} -> ${r.answeredWith}: ${r.rawBody.slice(0, 300)}`).join('\n');
          reject(new Error(`waited ${timeoutMs} ms for ${count} matching webhook(s), got ${requests.filter(match).length}; all requests:\n${seen}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          arrivals.off('request', check);
        };
        arrivals.on('request', check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return recorder;
}

import { request } from 'node:http';

export interface HttpReply {
  status: number;
  body: string;
}

/**
 * One plain HTTP request with no connection reuse (`agent: false`): a kept-alive socket to an
 * Alertmanager that a previous test stopped can never be picked up.
 */
export function httpRequest(url: string, options: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers = options.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) };
    const req = request(url, { method: options.method ?? 'GET', headers, agent: false, timeout: options.timeoutMs ?? 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url} got no reply within ${options.timeoutMs ?? 5000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http, { type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { slackFetch } from '../../../src/adapters/slack/slack-fetch.js';
import { packageRoot } from '../../../src/paths.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local server that records each request and answers as `answer` says. */
async function startServer(answer: (req: IncomingMessage, res: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      answer(req, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("slackFetch: the Slack clients' transport", () => {
  test('a form-encoded POST as the Web API client sends it; the answer as fetch gives it', async () => {
    const server = await startServer((_req, res) => res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }).end('{"ok":false,"error":"ratelimited"}'));
    try {
      const response = await slackFetch(`${server.url}/api/chat.postMessage`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' }, body: 'channel=C1&text=hi', redirect: 'error' });
      expect([response.ok, response.status, response.headers.get('retry-after'), Object.fromEntries(response.headers.entries())['content-type']]).toEqual([false, 429, '3', 'application/json']);
      expect(await response.json()).toEqual({ ok: false, error: 'ratelimited' });
      expect(server.received).toEqual([
        expect.objectContaining({ method: 'POST', path: '/api/chat.postMessage', body: 'channel=C1&text=hi', headers: expect.objectContaining({ authorization: 'Bearer xoxb-1', 'content-type': 'application/x-www-form-urlencoded' }) }),
      ]);
      // Kept alive, as the global fetch keeps it: not one connection per call.
      expect(server.received[0]!.headers.connection).not.toBe('close');
    } finally {
      await server.close();
    }
  });

  test("redirect: 'error' refuses a redirect, as the Web API client asks", async () => {
    const server = await startServer((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end());
    try {
      await expect(slackFetch(`${server.url}/api/auth.test`, { method: 'POST', body: '', redirect: 'error' })).rejects.toThrow(/redirect/i);
      expect(server.received).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  test('a file upload (multipart FormData) arrives whole', async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end('OK'));
    try {
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('# Postmortem')]), 'postmortem.md');
      const response = await slackFetch(`${server.url}/upload`, { method: 'POST', body: form });
      expect([response.status, await response.text()]).toEqual([200, 'OK']);
      expect(server.received[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(server.received[0]!.body).toContain('filename="postmortem.md"');
      expect(server.received[0]!.body).toContain('# Postmortem');
    } finally {
      await server.close();
    }
  });

  test("Slack calls do not load undici, the global fetch's HTTP client (its own process: jest's has it loaded)", async () => {
    const server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    try {
      const script = [
        `const { slackFetch } = await import(${JSON.stringify(join(packageRoot, 'src', 'adapters', 'slack', 'slack-fetch.ts'))});`,
        `const response = await slackFetch(${JSON.stringify(`${server.url}/api/auth.test`)}, { method: 'POST', body: 'token=x' });`,
        "process.stdout.write(JSON.stringify({ answer: await response.json(), undici: process.moduleLoadList.some((name) => name.includes('undici')) }));",
      ].join('\n');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: packageRoot, env: { ...process.env, NODE_OPTIONS: '' } });
      expect(JSON.parse(stdout)).toEqual({ answer: { ok: true }, undici: false });
    } finally {
      await server.close();
    }
  }, 20_000);
});

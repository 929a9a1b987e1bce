import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/run-cli.js';
import { closeServer, listenEarly } from '../../src/server/listen-early.js';
import { KEEP_ALIVE_MS } from '../../src/server/bot-server.js';
import { captureIo } from '../cli/capture-io.js';
import { freePort } from '../support/serve-process.js';

/** Whether `port` on 127.0.0.1 can be listened on now (nothing holds it). */
async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  probe.listen(port, '127.0.0.1');
  try {
    await once(probe, 'listening');
  } catch {
    return false;
  }
  await new Promise((resolve) => probe.close(resolve));
  return true;
}

describe('serve listens before the bot is loaded', () => {
  test('until start-up hands over its routes: /healthz 200, /readyz 503, anything else 503 to retry', async () => {
    const early = await listenEarly({ PORT: '0', HOST: '127.0.0.1' });
    if (!early) throw new Error('listenEarly did not listen');
    const { port } = early.server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    try {
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
      const ready = await fetch(`${url}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([503, { status: 'not ready', checks: { 'start-up': 'starting' } }]);
      const webhook = await fetch(`${url}/webhooks/alertmanager`, { method: 'POST', body: '{}' });
      expect([webhook.status, webhook.headers.get('retry-after')]).toEqual([503, '1']);
      early.handle((_req, res) => res.writeHead(204).end());
      expect((await fetch(`${url}/readyz`)).status).toBe(204);
    } finally {
      await closeServer(early);
    }
  });

  test.each([
    ['a PORT the config refuses', { PORT: 'abc' }],
    ['a PORT out of range', { PORT: '70000' }],
    ['a HOST the config refuses', { HOST: 'bad host' }],
  ])('%s: no early server; start-up reports it as before', async (_name, env) => {
    expect(await listenEarly({ HOST: '127.0.0.1', ...env })).toBeNull();
  });

  test("an idle keep-alive connection is still served after Node's 5 s default, which reset senders' next POST", async () => {
    const early = await listenEarly({ PORT: '0', HOST: '127.0.0.1' });
    if (!early) throw new Error('listenEarly did not listen');
    expect(early.server.keepAliveTimeout).toBe(KEEP_ALIVE_MS);
    const socket = connect((early.server.address() as { port: number }).port, '127.0.0.1');
    const answers: string[] = [];
    socket.on('data', (chunk: Buffer) => answers.push(chunk.toString('latin1')));
    const closed = once(socket, 'close');
    const ask = () => socket.write('GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: keep-alive\r\n\r\n');
    ask();
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    expect(socket.destroyed).toBe(false);
    ask();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answers.join('').match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    socket.end();
    await closed;
    await closeServer(early);
  }, 15_000);

  test('a port already taken: no early server (start-up fails on it as before)', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      expect(await listenEarly({ PORT: String((taken.address() as { port: number }).port), HOST: '127.0.0.1' })).toBeNull();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  test('start-up fails (a database that is a folder): serve exits 1 with the reason, and the early server is closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oom-check-listen-early-'));
    try {
      mkdirSync(join(dir, 'db'));
      writeFileSync(join(dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "http://127.0.0.1:9" } }]\nusers: [{ name: u, user: {} }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n');
      const port = await freePort();
      const io = captureIo({
        KUBECONFIG: join(dir, 'kubeconfig'),
        OOM_CHECK_DB_PATH: join(dir, 'db'),
        LOG_LEVEL: 'silent',
        PORT: String(port),
        HOST: '127.0.0.1',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_APPROVERS: 'U012AB3CD',
        OOM_CHECK_SWEEP_SCHEDULE: 'off',
      });
      expect(await runCli(['serve'], io)).toBe(ExitCode.Failure);
      expect(io.err()).toContain('is a folder, not a file');
      expect(await portIsFree(port)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

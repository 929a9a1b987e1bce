import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface LocalProcessOptions {
  /** Shown in failure messages, e.g. "Prometheus". */
  name: string;
  /** The absolute path of the binary (see requireTool). */
  binary: string;
  /** The command line for a server listening on `address` (127.0.0.1:PORT); may write config files naming it. */
  args: (address: string) => string[];
  /** True once the server answers as ready at `url` (http://127.0.0.1:PORT). */
  isReady: (url: string) => Promise<boolean>;
  readyTimeoutMs?: number;
}

export interface LocalProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  address: string;
  /** What the process wrote so far (its logs): for failure messages. */
  output(): string;
  /** Kills the process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await done;
  clearTimeout(timer);
}

/**
 * Starts a real server binary on a free port of 127.0.0.1 and waits until it says it is ready,
 * as test/support/alertmanager does for Alertmanager; the port can be taken between the probe and
 * the server's bind, so a bind failure is tried again on another port, twice.
 */
export async function startLocalProcess(options: LocalProcessOptions): Promise<LocalProcess> {
  for (let attempt = 1; ; attempt++) {
    const address = `127.0.0.1:${await freePort()}`;
    const url = `http://${address}`;
    const child = spawn(options.binary, options.args(address), { stdio: ['ignore', 'pipe', 'pipe'] });
    let logs = '';
    const keep = (chunk: Buffer) => (logs = (logs + chunk.toString('utf8')).slice(-200_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      const timeoutMs = options.readyTimeoutMs ?? 15_000;
      const deadline = Date.now() + timeoutMs;
      let gone = false;
      void exited(child).then(() => (gone = true));
      while (!(await options.isReady(url).catch(() => false))) {
        if (gone) throw new Error(`${options.name} exited before it was ready (code ${child.exitCode}):\n${logs}`);
        if (Date.now() > deadline) throw new Error(`${options.name} was not ready at ${url} within ${timeoutMs} ms:\n${logs}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } catch (error) {
      await kill(child);
      if (attempt < 3 && logs.includes('address already in use')) continue;
      throw error;
    }
    let stopped: Promise<void> | null = null;
    return { url, address, output: () => logs, stop: () => (stopped ??= kill(child)) };
  }
}

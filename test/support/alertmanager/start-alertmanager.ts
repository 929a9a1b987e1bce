import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { httpRequest } from './http-request.js';
import { requireTool } from './require-tool.js';

export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';

export type WebhookAuth = { bearerToken: string } | { basicAuth: { username: string; password: string } };

export interface StartAlertmanagerOptions {
  /** Where Alertmanager posts its webhooks, e.g. a recorder on 127.0.0.1. */
  webhookUrl: string;
  /** What the receiver's http_config sends; none when omitted. */
  auth?: WebhookAuth;
  /** Defaults: group_by [alertname, namespace], group_wait 0s, group_interval 10ms, repeat_interval 1h, max_alerts 0 (all). */
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  maxAlerts?: number;
  /** A whole configuration instead of the one built from the options above, given the temporary directory (for secret files). */
  config?: (dir: string) => string;
  /** Defaults to the Debian package's binary. */
  binary?: string;
  /** How long to wait for `GET /-/ready`. */
  readyTimeoutMs?: number;
}

/** An alert as `POST /api/v2/alerts` takes it. Without startsAt Alertmanager uses the time it receives it. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

export interface RunningAlertmanager {
  /** http://127.0.0.1:PORT */
  url: string;
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** What the process wrote so far (its logs): for failure messages. */
  output(): string;
  /** Kills the process, waits for it to exit and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
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

function configYaml(options: StartAlertmanagerOptions, dir: string): string {
  const httpConfig: Record<string, unknown> = { follow_redirects: false };
  if (options.auth && 'bearerToken' in options.auth) {
    writeFileSync(join(dir, 'token'), options.auth.bearerToken, { mode: 0o600 });
    httpConfig.authorization = { type: 'Bearer', credentials_file: join(dir, 'token') };
  } else if (options.auth) {
    writeFileSync(join(dir, 'password'), options.auth.basicAuth.password, { mode: 0o600 });
    httpConfig.basic_auth = { username: options.auth.basicAuth.username, password_file: join(dir, 'password') };
  }
  return stringify({
    route: {
      receiver: 'bot',
      group_by: options.groupBy ?? ['alertname', 'namespace'],
      group_wait: options.groupWait ?? '0s',
      group_interval: options.groupInterval ?? '10ms',
      repeat_interval: options.repeatInterval ?? '1h',
    },
    receivers: [
      {
        name: 'bot',
        webhook_configs: [{ url: options.webhookUrl, send_resolved: true, max_alerts: options.maxAlerts ?? 0, http_config: httpConfig }],
      },
    ],
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited(child).then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`Alertmanager exited before it was ready (code ${child.exitCode}):\n${output()}`);
    const reply = await httpRequest(`${url}/-/ready`, { timeoutMs: 1000 }).catch(() => null);
    if (reply?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`Alertmanager was not ready at ${url} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Launched {
  child: ChildProcess;
  logs: () => string;
}

function launch(binary: string, dir: string, url: string): Launched {
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${new URL(url).host}`,
      `--web.external-url=${url}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  const keep = (chunk: Buffer) => (logs = (logs + chunk.toString('utf8')).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, logs: () => logs };
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
 * Starts the real Alertmanager (Debian `prometheus-alertmanager`) on a free port of 127.0.0.1, with
 * its own config and storage in a temporary directory and clustering off, and waits until it is
 * ready. Every alert it routes goes to `webhookUrl` with `send_resolved: true`.
 */
export async function startAlertmanager(options: StartAlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = requireTool(options.binary ?? ALERTMANAGER_BINARY, 'prometheus-alertmanager');
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-alertmanager-'));
  try {
    writeFileSync(join(dir, 'alertmanager.yml'), options.config ? options.config(dir) : configYaml(options, dir));
    // The free port can be taken between the probe and Alertmanager's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      const url = `http://127.0.0.1:${await freePort()}`;
      const { child, logs } = launch(binary, dir, url);
      try {
        await new Promise<void>((resolve, reject) => {
          child.once('spawn', resolve);
          child.once('error', reject);
        });
        await waitUntilReady(url, child, logs, options.readyTimeoutMs ?? 10_000);
      } catch (error) {
        await kill(child);
        if (attempt < 3 && logs().includes('address already in use')) continue;
        throw error;
      }
      let stopped: Promise<void> | null = null;
      return {
        url,
        output: logs,
        stop: () =>
          (stopped ??= kill(child).then(() => rmSync(dir, { recursive: true, force: true }))),
        async postAlerts(alerts) {
          const reply = await httpRequest(`${url}/api/v2/alerts`, { method: 'POST', body: JSON.stringify(alerts) });
          if (reply.status !== 200) throw new Error(`POST /api/v2/alerts answered ${reply.status}: ${reply.body}`);
        },
      };
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { httpRequest, type HttpReply } from '../alertmanager/http-request.js';
import { requireTool } from '../alertmanager/require-tool.js';
import { runTool } from '../run-tool.js';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';

export interface StartPrometheusOptions {
  /** OpenMetrics text with timestamps (ending with `# EOF`), backfilled with promtool before the start. */
  history?: string;
  /** Absolute paths of rule files to load; they are evaluated every second. */
  ruleFiles?: string[];
  readyTimeoutMs?: number;
}

export interface InstantResult {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryReply =
  | { status: 'success'; data: { resultType: string; result: InstantResult[] } }
  | { status: 'error'; errorType: string; error: string };

export interface RunningPrometheus {
  /** http://127.0.0.1:PORT */
  url: string;
  /** GET /api/v1/query at the current time; a 400 (bad_data) comes back as the error reply, not thrown. */
  query(expr: string): Promise<QueryReply & { httpStatus: number }>;
  /** GET any path of the HTTP API, e.g. `/api/v1/rules`. */
  get(path: string): Promise<HttpReply>;
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

async function waitUntilReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited(child).then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`Prometheus exited before it was ready (code ${child.exitCode}):\n${output()}`);
    const reply = await httpRequest(`${url}/-/ready`, { timeoutMs: 1000 }).catch(() => null);
    if (reply?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`Prometheus was not ready at ${url} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function launch(binary: string, dir: string, url: string): { child: ChildProcess; logs: () => string } {
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${new URL(url).host}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let logs = '';
  const keep = (chunk: Buffer) => (logs = (logs + chunk.toString('utf8')).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, logs: () => logs };
}

/**
 * Starts the real Prometheus (Debian `prometheus`) on a free port of 127.0.0.1 with its TSDB in a
 * temporary directory, after backfilling `history` into it with `promtool tsdb create-blocks-from
 * openmetrics`. It scrapes nothing; rules are evaluated every second, so recording rules have
 * values at the current time soon after the start.
 */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const binary = requireTool(PROMETHEUS_BINARY, 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-prometheus-'));
  try {
    writeFileSync(join(dir, 'prometheus.yml'), stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: options.ruleFiles ?? [],
    }));
    if (options.history !== undefined) {
      writeFileSync(join(dir, 'history.om'), options.history);
      const outcome = await runTool(requireTool('promtool', 'prometheus'), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'data')], 60_000);
      if (outcome.exitCode !== 0) throw new Error(`promtool could not backfill the history:\n${outcome.output}`);
      rmSync(join(dir, 'history.om'));
    }
    // The free port can be taken between the probe and Prometheus's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      const url = `http://127.0.0.1:${await freePort()}`;
      const { child, logs } = launch(binary, dir, url);
      try {
        await new Promise<void>((resolve, reject) => {
          child.once('spawn', resolve);
          child.once('error', reject);
        });
        await waitUntilReady(url, child, logs, options.readyTimeoutMs ?? 15_000);
      } catch (error) {
        await kill(child);
        if (attempt < 3 && logs().includes('address already in use')) continue;
        throw error;
      }
      let stopped: Promise<void> | null = null;
      return {
        url,
        output: logs,
        stop: () => (stopped ??= kill(child).then(() => rmSync(dir, { recursive: true, force: true }))),
        get: (path) => httpRequest(`${url}${path}`),
        async query(expr) {
          const reply = await httpRequest(`${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
          return { ...(JSON.parse(reply.body) as QueryReply), httpStatus: reply.status };
        },
      };
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

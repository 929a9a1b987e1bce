import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { httpRequest, type HttpReply } from '../alertmanager/http-request.js';
import { requireTool } from '../alertmanager/require-tool.js';
import { runTool } from '../run-tool.js';
import { startLocalProcess, type LocalProcess } from '../start-local-process.js';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const PROMTOOL_BINARY = '/usr/bin/promtool';

export interface StartPrometheusOptions {
  /** OpenMetrics text (ending `# EOF`) backfilled with promtool before Prometheus starts. */
  openMetrics?: string;
  /** Absolute paths of rule files to load; they are evaluated every second. */
  ruleFiles?: string[];
  /** Scrape and rule evaluation interval; default 1s. */
  scrapeInterval?: string;
  /** Scrape jobs: each job's targets (`host:port`, path /metrics). */
  scrape?: Array<{ job: string; targets: string[] }>;
  /** Alertmanagers (`http://host:port`) that firing alerts go to. */
  alertmanagers?: string[];
  /** Puts the whole web API behind basic auth (`--web.config.file`): `hash` is the bcrypt of `password`. */
  basicAuth?: { username: string; password: string; bcryptHash: string };
}

export interface InstantResult {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryReply =
  | { status: 'success'; data: { resultType: string; result: InstantResult[] } }
  | { status: 'error'; errorType: string; error: string };

export interface RunningPrometheus extends LocalProcess {
  /** GET /api/v1/query at the current time; a 400 (bad_data) comes back as the error reply, not thrown. */
  query(expr: string): Promise<QueryReply & { httpStatus: number }>;
  /** GET any path of the HTTP API, e.g. `/api/v1/rules`. */
  get(path: string): Promise<HttpReply>;
  /** Kills Prometheus and removes its temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the real Prometheus (Debian `prometheus`) on a free port of 127.0.0.1, on a TSDB in a
 * temporary directory, optionally backfilled with `promtool tsdb create-blocks-from openmetrics`,
 * scraping the given targets (none by default) and alerting to the given Alertmanagers, and waits for `/-/ready` (the TSDB is open). Rules are evaluated every
 * second. Retention is 100 years: time retention counts back from the newest block, and fixtures
 * may be dated anywhere.
 */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<RunningPrometheus> {
  const prometheus = requireTool(PROMETHEUS_BINARY, 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'oom-check-prometheus-'));
  try {
    const data = join(dir, 'data');
    if (options.openMetrics !== undefined) {
      writeFileSync(join(dir, 'history.om'), options.openMetrics);
      const outcome = await runTool(requireTool(PROMTOOL_BINARY, 'prometheus'), ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', join(dir, 'history.om'), data], 60_000);
      if (outcome.exitCode !== 0) throw new Error(`promtool could not backfill the history:\n${outcome.output}`);
    }
    const config = {
      global: { scrape_interval: options.scrapeInterval ?? '1s', evaluation_interval: options.scrapeInterval ?? '1s' },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: (options.scrape ?? []).map((job) => ({ job_name: job.job, scrape_timeout: '1s', static_configs: [{ targets: job.targets }] })),
      ...(options.alertmanagers ? { alerting: { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers.map((url) => new URL(url).host) }] }] } } : {}),
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const args = [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=36500d', '--log.level=warn'];
    const headers: Record<string, string> = {};
    if (options.basicAuth) {
      const { username, password, bcryptHash } = options.basicAuth;
      writeFileSync(join(dir, 'web.yml'), stringify({ basic_auth_users: { [username]: bcryptHash } }));
      args.push(`--web.config.file=${join(dir, 'web.yml')}`);
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const server = await startLocalProcess({
      name: 'Prometheus',
      binary: prometheus,
      args: (address) => [...args, `--web.listen-address=${address}`],
      isReady: async (url) => {
        const reply = await fetch(`${url}/-/ready`, { headers, signal: AbortSignal.timeout(1000) });
        await reply.arrayBuffer();
        return reply.status === 200;
      },
    });
    let stopped: Promise<void> | null = null;
    return {
      ...server,
      stop: () => (stopped ??= server.stop().then(() => rmSync(dir, { recursive: true, force: true }))),
      get: (path) => httpRequest(`${server.url}${path}`),
      async query(expr) {
        const reply = await httpRequest(`${server.url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
        return { ...(JSON.parse(reply.body) as QueryReply), httpStatus: reply.status };
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

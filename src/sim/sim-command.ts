/**
 * `oom-check sim --scenario FILE [--port N] [--kubeconfig FILE] [--time-scale X]`: runs the
 * simulator in the foreground, writes a kubeconfig for it, prints one line per pod status change,
 * and stops cleanly on SIGINT/SIGTERM. Bad flags or a bad scenario are one line on stderr and exit
 * code 2; a port already in use is exit code 1.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadScenario } from './load-scenario.js';
import { ScenarioError } from './parse-scenario.js';
import type { Scenario } from './scenario-schema.js';
import { startSimulator, type Simulator } from './start-simulator.js';

export interface SimCommandIo {
  /** Where errors go; default process.stderr. */
  err?: NodeJS.WritableStream;
  /** Stops the simulator like SIGINT does (for tests and embedding). */
  signal?: AbortSignal;
}

const USAGE = `Usage: oom-check sim --scenario FILE [--port N] [--kubeconfig FILE] [--time-scale X]

Runs a Kubernetes API simulator for a scenario until Ctrl-C.
  --scenario, -s FILE   scenario YAML, or the name of a bundled one (seed-oom, healthy, ...)
  --port, -p N          port on 127.0.0.1 (default: a free one)
  --kubeconfig FILE     where to write a kubeconfig for it (default: in the temp folder)
  --time-scale X        real seconds per simulated second (default 1; 0.1 runs 10x faster)
`;

class UsageError extends Error {}

interface Flags {
  scenario: string;
  port: number;
  kubeconfig?: string;
  timeScale: number;
  help: boolean;
}

function parseFlags(args: string[]): Flags {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string', short: 's' },
        port: { type: 'string', short: 'p' },
        kubeconfig: { type: 'string' },
        'time-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  if (values.help) return { scenario: '', port: 0, timeScale: 1, help: true };
  if (!values.scenario) throw new UsageError('--scenario FILE is required (e.g. --scenario seed-oom)');
  const port = Number(values.port ?? '0');
  if (!/^\d+$/.test(values.port ?? '0') || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  const timeScale = Number(values['time-scale'] ?? '1');
  if (!Number.isFinite(timeScale) || timeScale <= 0) throw new UsageError(`--time-scale must be a positive number, got "${values['time-scale']}"`);
  const flags: Flags = { scenario: values.scenario, port, timeScale, help: false };
  if (values.kubeconfig) flags.kubeconfig = resolve(values.kubeconfig);
  return flags;
}

/** A pino destination printing `HH:MM:SS message` lines for people rather than JSON for machines. */
function humanLines(out: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(line: string) {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      const time = new Date(entry.time ?? Date.now()).toISOString().slice(11, 19);
      out.write(`${time} ${entry.msg ?? ''}\n`);
    },
  };
}

function waitForStop(signal?: AbortSignal): Promise<string> {
  return new Promise((done) => {
    const finish = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      done(why);
    };
    const onInt = () => finish('SIGINT');
    const onTerm = () => finish('SIGTERM');
    const onAbort = () => finish('abort');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) finish('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function runSimCommand(args: string[], out: NodeJS.WritableStream, io: SimCommandIo = {}): Promise<number> {
  const err = io.err ?? process.stderr;
  let flags: Flags;
  let scenario: Scenario;
  try {
    flags = parseFlags(args);
    if (flags.help) {
      out.write(USAGE);
      return 0;
    }
    scenario = await loadScenario(flags.scenario);
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`oom-check sim: ${error.message} (see oom-check sim --help)\n`);
      return 2;
    }
    if (error instanceof ScenarioError) {
      const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more problem${error.problems.length > 2 ? 's' : ''})` : '';
      err.write(`oom-check sim: ${error.problems[0]}${more}\n`);
      return 2;
    }
    throw error;
  }
  let sim: Simulator;
  try {
    sim = await startSimulator({ scenario, port: flags.port, timeScale: flags.timeScale, logger: pino({ level: 'info', base: null }, humanLines(out)) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${flags.port} is already in use; pick another with --port` : (error as Error).message;
    err.write(`oom-check sim: cannot start: ${why}\n`);
    return 1;
  }
  const kubeconfigPath = flags.kubeconfig ?? join(tmpdir(), 'oom-check-sim', `kubeconfig-${sim.port}.yaml`);
  try {
    await mkdir(dirname(kubeconfigPath), { recursive: true });
    await writeFile(kubeconfigPath, sim.kubeconfigYaml(), { mode: 0o600 });
  } catch (error) {
    await sim.close();
    err.write(`oom-check sim: cannot write the kubeconfig ${kubeconfigPath}: ${(error as Error).message}\n`);
    return 1;
  }
  const namespace = scenario.namespaces.find((n) => !n.denied)?.name ?? 'default';
  out.write(
    `oom-check sim: ${scenario.description ?? flags.scenario}\n` +
      `API server: ${sim.url}\n` +
      `kubeconfig: ${kubeconfigPath}\n` +
      `try:        KUBECONFIG=${kubeconfigPath} kubectl get pods -n ${namespace}\n` +
      `time scale: ${flags.timeScale} (Ctrl-C stops)\n`,
  );
  const why = await waitForStop(io.signal);
  await sim.close();
  if (!flags.kubeconfig) await rm(kubeconfigPath, { force: true });
  out.write(`oom-check sim: stopped (${why})\n`);
  return 0;
}

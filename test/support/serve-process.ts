import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now (the OS picks it; it is released for the child to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** From spawn() to the first 200 from /healthz. */
  msToHealthz: number;
  /** CPU time (user + system) the process had used by then: less sensitive than wall time to a busy machine. */
  cpuMsToHealthz: number;
  /** Resident set size now (VmRSS), and its peak so far (VmHWM), in bytes. */
  memory(): { rss: number; peak: number };
  /** Everything the process wrote to stdout and stderr (its JSON log) so far. */
  stdout(): string;
  stderr(): string;
  /**
   * Resolves once serve printed "oom-check serving on": start-up is over (Slack connected, open
   * runs resumed) and SIGTERM is handled; /healthz answers earlier, as soon as the port listens.
   */
  serving(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
}

function statusBytes(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** utime + stime of a process, in ms (fields 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Starts `node <entry> serve` as a child process on `port` and resolves once /healthz answers 200
 * (polled every 5 ms), or rejects when the process exits or `timeoutMs` passes first.
 */
export async function startServeProcess(options: { entry: string; cwd: string; env: NodeJS.ProcessEnv; port: number; nodeArgs?: string[]; timeoutMs?: number }): Promise<ServeProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry, 'serve'], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, ...options.env, PORT: String(options.port), HOST: '127.0.0.1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const deadline = started + (options.timeoutMs ?? 15_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`serve exited with ${child.exitCode} before /healthz answered:\n${err}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`/healthz did not answer 200 within ${options.timeoutMs ?? 15_000} ms:\n${err}`);
    }
    const status = await fetch(`${url}/healthz`).then((response) => response.status, () => 0);
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const msToHealthz = performance.now() - started;
  const cpuMsToHealthz = cpuMs(child.pid!);
  return {
    child,
    url,
    msToHealthz,
    cpuMsToHealthz,
    memory: () => ({ rss: statusBytes(child.pid!, 'VmRSS'), peak: statusBytes(child.pid!, 'VmHWM') }),
    stdout: () => out,
    stderr: () => err,
    serving: async (timeoutMs = 10_000) => {
      const until = performance.now() + timeoutMs;
      while (!out.includes('oom-check serving on')) {
        if (gone || performance.now() > until) throw new Error(`serve did not finish starting:\n${out}\n${err}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    stop: async () => {
      if (!gone) child.kill('SIGTERM');
      return exited;
    },
  };
}

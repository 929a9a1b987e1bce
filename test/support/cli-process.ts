import { spawn, type ChildProcess } from 'node:child_process';
import { packageRoot } from '../../src/paths.js';

export interface CliProcess {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Its exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `oom-check <args>` as its own process (TypeScript through tsx), with `env` over the test's. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: packageRoot,
    env: { ...process.env, ...env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** `oom-check serve` as its own process; `url` resolves once it is serving (it logs "serving on URL"). */
export function serveProcess(env: NodeJS.ProcessEnv): CliProcess & { url: Promise<string> } {
  const process = spawnCli(['serve'], { LOG_LEVEL: 'info', ...env });
  const url = new Promise<string>((resolve, reject) => {
    process.child.stdout!.on('data', () => {
      const match = /serving on (http:\/\/\S+)/.exec(process.output());
      if (match) resolve(match[1]!);
    });
    void process.exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}): ${process.output()}`)));
  });
  return { ...process, url };
}

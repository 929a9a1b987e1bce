/**
 * Runs the machine's real kubectl against a simulator: execFile (never a shell), `--server` the
 * simulator, a fresh `--cache-dir`, and KUBECONFIG / HOME pointing into a temp folder so that
 * ~/.kube is never read or written.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  run(args: string[], timeoutMs?: number): Promise<KubectlResult>;
  /** Runs and parses stdout as JSON, failing with kubectl's stderr when it exits non-zero. */
  json<T = Record<string, unknown>>(args: string[]): Promise<T>;
  cleanup(): Promise<void>;
}

export async function kubectlFor(server: string): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'oom-check-kubectl-'));
  const kubeconfig = join(dir, 'empty-kubeconfig');
  await writeFile(kubeconfig, '');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig };
  const run = (args: string[], timeoutMs = 60_000): Promise<KubectlResult> =>
    new Promise((resolve) => {
      execFile(KUBECTL, ['--server', server, '--cache-dir', join(dir, 'cache'), ...args], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  return {
    run,
    async json<T>(args: string[]): Promise<T> {
      const result = await run([...args, '-o', 'json']);
      if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

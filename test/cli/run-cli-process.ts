import { execFile, spawnSync } from 'node:child_process';
import { packageRoot } from '../../src/paths.js';

/**
 * Root ignores file modes, and CI runs the tests as root: a read-only file or folder is only
 * read-only for another user. So when the tests run as root, the command line runs as `nobody`
 * in a child process (root may switch users); otherwise it runs as the current user.
 */
const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

function probe(): string | null {
  if (!asRoot) return null;
  const result = spawnSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1] + "/package.json")', packageRoot], { ...NOBODY, encoding: 'utf8' });
  if (result.error) return `running as root and cannot switch to uid 65534 (${result.error.message}), so file modes cannot be tested`;
  if (result.status !== 0) return `running as root and uid 65534 cannot read the checkout, so file modes cannot be tested`;
  return null;
}

/** Why read-only cases cannot run on this machine, or null when they can. */
export const unprivilegedUnavailable: string | null = probe();

export interface ProcessResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `oom-check <argv>` as a process of a user that file modes apply to (see above). */
export async function runCliUnprivileged(argv: string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...argv],
      { cwd: packageRoot, env: { ...process.env, ...env, NODE_OPTIONS: '' }, ...(asRoot ? NOBODY : {}) },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out: stdout, err: stderr }),
    );
  });
}

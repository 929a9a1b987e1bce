import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/paths.js';

export interface ToolOutcome {
  exitCode: number;
  output: string;
}

/** Runs a tool without a shell; the outcome carries the exit code and all output, so a failure shows why. */
export async function runTool(tool: string, args: string[], timeoutMs = 15_000): Promise<ToolOutcome> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tool, args, { cwd: packageRoot, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

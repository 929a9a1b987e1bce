import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/cli-io.js';

export interface CapturedIo extends CliIo {
  out(): string;
  err(): string;
}

/** CliIo over in-memory streams, with what was written readable afterwards. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CapturedIo {
  const chunks = { out: [] as string[], err: [] as string[] };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (chunk: Buffer) => chunks.out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => chunks.err.push(chunk.toString()));
  return { env, stdout, stderr, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}

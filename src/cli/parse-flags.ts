import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCode, OomCheckError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing for one command; an unknown flag or a missing value becomes a usage error
 * that names the command's help.
 */
export function parseFlags<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(command, (error as Error).message);
  }
}

export function usageError(command: string, problem: string): OomCheckError {
  return new OomCheckError(ErrorCode.UsageInvalid, `oom-check ${command}: ${problem}\nRun "oom-check ${command} --help" for usage.`);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, isOomCheckError } from '../core/errors.js';
import { packageRoot } from '../paths.js';
import { writeLine, type CliIo } from './cli-io.js';
import { exportCommand } from './commands/export-command.js';
import { demoCommand } from './commands/demo-command.js';
import { migrateCommand } from './commands/migrate-command.js';
import { resolveCommand } from './commands/resolve-command.js';
import { rollbackCommand } from './commands/rollback-command.js';
import { runCommand } from './commands/run-command.js';
import { serveCommand } from './commands/serve-command.js';
import { runSimCommand } from '../sim/sim-command.js';
import { ExitCode } from './exit-codes.js';
import { COMMAND_HELP, OVERVIEW } from './usage.js';

type Command = (args: string[], io: CliIo) => Promise<ExitCode>;

const COMMANDS: Record<string, Command> = {
  demo: demoCommand,
  export: exportCommand,
  migrate: migrateCommand,
  resolve: resolveCommand,
  rollback: rollbackCommand,
  run: runCommand,
  serve: serveCommand,
  sim: async (args, io) => (await runSimCommand(args, io.stdout, { err: io.stderr })) as ExitCode,
};

/** Errors that are the user's input to fix: exit code 2. */
const USAGE_ERRORS: ReadonlySet<string> = new Set([ErrorCode.UsageInvalid, ErrorCode.ConfigInvalid, ErrorCode.TargetInvalid, ErrorCode.RunbookInvalid]);
/** Errors that mean "nothing there": exit code 3, as the README's table says for a missing database. */
const NOT_FOUND_ERRORS: ReadonlySet<string> = new Set([ErrorCode.DatabaseNotFound]);

function version(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function help(topic: string | undefined, io: CliIo): ExitCode {
  if (topic === undefined) {
    writeLine(io.stdout, OVERVIEW);
    return ExitCode.Ok;
  }
  const text = COMMAND_HELP[topic];
  if (!text) {
    writeLine(io.stderr, `oom-check: no command "${topic}"; run "oom-check --help" for the list`);
    return ExitCode.Usage;
  }
  writeLine(io.stdout, text);
  return ExitCode.Ok;
}

/**
 * Runs one command line and returns its exit code. Errors that carry a code are the user's to
 * fix and print as one message; anything else is a bug and prints its stack.
 */
export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help') return help(undefined, io);
  if (name === 'help') return help(args[0], io);
  if (name === '-v' || name === '--version') {
    writeLine(io.stdout, version());
    return ExitCode.Ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `oom-check: unknown command "${name}"; run "oom-check --help" for the list`);
    return ExitCode.Usage;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (!isOomCheckError(error)) throw error;
    writeLine(io.stderr, error.message);
    if (USAGE_ERRORS.has(error.code)) return ExitCode.Usage;
    if (error.code === ErrorCode.RunClaimed) return ExitCode.RunHeldElsewhere;
    return NOT_FOUND_ERRORS.has(error.code) ? ExitCode.NotFound : ExitCode.Failure;
  }
}

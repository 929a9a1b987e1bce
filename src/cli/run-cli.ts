import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, isOomCheckError } from '../core/errors.js';
import { systemClock } from '../adapters/clock/system-clock.js';
import { packageRoot } from '../paths.js';
import { writeLine, type CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { COMMAND_HELP, OVERVIEW } from './usage.js';

type Command = (args: string[], io: CliIo) => Promise<ExitCode>;

/**
 * Each command's module is imported only when that command runs: `--version`, `migrate` and
 * `export` never load Bolt, client-node or the simulator, and `serve` never loads the simulator.
 * In the bundle (scripts/bundle.ts) each of these imports becomes its own chunk, so what a
 * command does not use is neither parsed nor held in memory.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./commands/audit-command.js')).auditCommand,
  demo: async () => (await import('./commands/demo-command.js')).demoCommand,
  export: async () => (await import('./commands/export-command.js')).exportCommand,
  migrate: async () => (await import('./commands/migrate-command.js')).migrateCommand,
  resolve: async () => (await import('./commands/resolve-command.js')).resolveCommand,
  severity: async () => (await import('./commands/severity-command.js')).severityCommand,
  rollback: async () => (await import('./commands/rollback-command.js')).rollbackCommand,
  run: async () => (await import('./commands/run-command.js')).runCommand,
  serve: async () => (await import('./commands/serve-command.js')).serveCommand,
  sim: async () => {
    const { runSimCommand } = await import('../sim/sim-command.js');
    return async (args, io) => (await runSimCommand(args, io.stdout, { err: io.stderr })) as ExitCode;
  },
};

/** The commands that act on incidents or read them out: each run is a row in the audit log. */
const AUDITED_COMMANDS: ReadonlySet<string> = new Set(['run', 'rollback', 'resolve', 'export', 'audit']);

/** Errors that are the user's input to fix: exit code 2. */
const USAGE_ERRORS: ReadonlySet<string> = new Set([ErrorCode.UsageInvalid, ErrorCode.ConfigInvalid, ErrorCode.TargetInvalid, ErrorCode.RunbookInvalid, ErrorCode.ClusterUnknown]);
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
  const text = Object.hasOwn(COMMAND_HELP, topic) ? COMMAND_HELP[topic] : undefined;
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
  // Own keys only: "constructor" or "__proto__" are not commands.
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    writeLine(io.stderr, `oom-check: unknown command "${name}"; run "oom-check --help" for the list`);
    return ExitCode.Usage;
  }
  const command = await load();
  const startedAt = systemClock.now();
  // Loaded only for the commands it records: --version and help stay as light as they were.
  const audit = async (exit: { code: number; message?: string; databaseUnusable?: boolean }) => {
    if (AUDITED_COMMANDS.has(name) && !exit.databaseUnusable) (await import('./audit-cli.js')).auditCommandLine(io, startedAt, name, args, exit);
  };
  let exit: Awaited<ReturnType<typeof runCommand>>;
  try {
    exit = await runCommand(command, args, io);
  } catch (error) {
    await audit({ code: ExitCode.Failure, message: `crashed: ${(error as Error).message}` });
    throw error;
  }
  await audit(exit);
  return exit.code;
}

/** The command failed on the database itself (and said so): there is nowhere to write its audit row. */
const DATABASE_ERRORS: ReadonlySet<string> = new Set([
  ErrorCode.DatabaseNotFound,
  ErrorCode.DatabaseUnusable,
  ErrorCode.DatabaseNeedsMigration,
  ErrorCode.DatabaseNewerThanCode,
  ErrorCode.MigrationChecksumMismatch,
  ErrorCode.MigrationFileInvalid,
  ErrorCode.StorageFull,
]);

async function runCommand(command: Command, args: string[], io: CliIo): Promise<{ code: ExitCode; message?: string; databaseUnusable?: boolean }> {
  try {
    return { code: await command(args, io) };
  } catch (error) {
    if (!isOomCheckError(error)) throw error;
    writeLine(io.stderr, error.message);
    const code = USAGE_ERRORS.has(error.code) ? ExitCode.Usage : error.code === ErrorCode.RunClaimed ? ExitCode.RunHeldElsewhere : NOT_FOUND_ERRORS.has(error.code) ? ExitCode.NotFound : ExitCode.Failure;
    return { code, message: error.message, ...(DATABASE_ERRORS.has(error.code) ? { databaseUnusable: true } : {}) };
  }
}

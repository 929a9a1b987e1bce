import { hostname, userInfo } from 'node:os';
import { appendAuditRow } from '../adapters/sqlite/append-audit-row.js';
import { loadConfig } from '../config.js';
import { writeLine, type CliIo } from './cli-io.js';

/** Commands whose first argument names what they act on: a pod (run) or an incident. */
const TARGETED: ReadonlySet<string> = new Set(['run', 'rollback', 'resolve', 'export']);
/** Flags followed by their value, which is not the target. */
const VALUE_FLAGS: ReadonlySet<string> = new Set(['--format', '-f', '--out', '-o', '--note', '--context', '--runbook', '--since']);

/**
 * Records a command line in the audit log of the database it used: who (the OS user), where (this
 * host), what (the command and its arguments), the exit code and the message it ended with. A row
 * that cannot be written is said on stderr: an audit gap is never silent.
 */
export function auditCommandLine(io: CliIo, at: Date, command: string, args: readonly string[], exit: { code: number; message?: string }): void {
  let dbPath: string;
  try {
    dbPath = loadConfig(io.env, ['store']).store.dbPath;
  } catch {
    return; // the command already reported the configuration problem, and has no database
  }
  const target = TARGETED.has(command) ? (args.find((arg, index) => !arg.startsWith('-') && !VALUE_FLAGS.has(args[index - 1] ?? '')) ?? null) : null;
  const firstLine = exit.message?.split('\n')[0]?.slice(0, 300);
  const problem = appendAuditRow(dbPath, {
    at: at.toISOString(),
    actor: `cli:${userInfo().username}`,
    source: 'cli',
    place: `cli:${hostname()}`,
    action: `cli.${command}`,
    target: target === null ? null : command === 'run' ? target : `incident:${target}`,
    allowed: true,
    result: `exit ${exit.code}${firstLine ? `: ${firstLine}` : ''}`,
    detail: { args: args.join(' ').slice(0, 500) },
  });
  if (problem) writeLine(io.stderr, `oom-check: this ${command} is not in the audit log: ${problem}`);
}

import { openDatabase } from '../../adapters/sqlite/open-database.js';
import { SqliteAuditLog } from '../../adapters/sqlite/sqlite-audit-log.js';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { loadConfig } from '../../config.js';
import { auditJsonLine, auditTextLine } from '../../core/audit.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

const AGO = /^(\d{1,6})(m|h|d)$/;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** `--since`: an ISO time (`2026-11-27`, `2026-11-27T10:00:00Z`) or how long ago (`90m`, `24h`, `7d`). */
function sinceOf(text: string, now: Date): string {
  const ago = AGO.exec(text);
  if (ago) return new Date(now.getTime() - Number(ago[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'm' | 'h' | 'd']).toISOString();
  if (ISO.test(text) && !Number.isNaN(Date.parse(text))) return new Date(Date.parse(text)).toISOString();
  throw usageError('audit', `--since must be an ISO time such as 2026-11-27T10:00:00Z (or a date), or how long ago such as 24h or 7d, not "${text}"`);
}

/**
 * `oom-check audit [--since T] [--format jsonl|text]`: the audit log (every Slack command and
 * click, every `run`, `rollback`, `resolve`, `export`, `audit`) oldest first, as JSON lines for a
 * SIEM or as text. Reads the database without migrating it.
 */
export async function auditCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('audit', args, { since: { type: 'string' }, format: { type: 'string', default: 'jsonl' } });
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.audit ?? '');
    return ExitCode.Ok;
  }
  if (positionals.length > 0) throw usageError('audit', `unexpected argument "${positionals[0]}"`);
  const format = values.format as string;
  if (format !== 'jsonl' && format !== 'text') throw usageError('audit', `--format must be jsonl or text, not "${format}"`);
  const since = values.since === undefined ? undefined : sinceOf(values.since as string, systemClock.now());
  const { store } = loadConfig(io.env, ['store']);
  const { db } = openDatabase(store.dbPath, { readonly: true });
  try {
    const line = format === 'jsonl' ? auditJsonLine : auditTextLine;
    for (const entry of new SqliteAuditLog(db).list(since ? { since } : {})) writeLine(io.stdout, line(entry));
    return ExitCode.Ok;
  } finally {
    db.close();
  }
}

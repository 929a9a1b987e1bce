import { userInfo } from 'node:os';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { openDatabase } from '../../adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../adapters/sqlite/sqlite-incident-store.js';
import { loadConfig } from '../../config.js';
import { isSeverity } from '../../core/rules/assess-severity.js';
import { setSeverity } from '../../runbook/triage-incident.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

/**
 * `oom-check severity <incident-id> P1|P2|P3|P4`: a person sets an incident's severity over the
 * one assessed from its impact. A timeline row by `cli:<user>`; the cluster is not touched, so
 * no kubeconfig is needed. The bot's card shows it at its next redraw.
 */
export async function severityCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('severity', args, {});
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.severity ?? '');
    return ExitCode.Ok;
  }
  const [idText, level, ...extra] = positionals;
  if (!idText || !/^[1-9]\d{0,15}$/.test(idText)) throw usageError('severity', 'give the incident id as a whole number, e.g. oom-check severity 42 P2');
  const severity = level?.toUpperCase();
  if (!isSeverity(severity)) throw usageError('severity', `give the severity as P1, P2, P3 or P4${level ? `, not "${level}"` : ''}, e.g. oom-check severity ${idText} P2`);
  if (extra.length > 0) throw usageError('severity', `unexpected argument "${extra[0]}"`);
  const config = loadConfig(io.env, ['store']);
  const { db } = openDatabase(config.store.dbPath);
  try {
    const answer = setSeverity({ incidents: new SqliteIncidentStore(db), clock: systemClock }, Number(idText), severity, `cli:${userInfo().username}`);
    switch (answer.outcome) {
      case 'set':
        writeLine(io.stdout, `incident ${idText} is now ${severity}${answer.previous ? ` (was ${answer.previous})` : ''}`);
        return ExitCode.Ok;
      case 'unchanged':
        writeLine(io.stdout, `incident ${idText} is already ${severity}`);
        return ExitCode.Ok;
      case 'not-found':
        writeLine(io.stderr, `oom-check severity: incident ${idText} does not exist`);
        return ExitCode.NotFound;
    }
  } finally {
    db.close();
  }
}

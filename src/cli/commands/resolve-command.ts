import { userInfo } from 'node:os';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { commandClusters } from '../../adapters/k8s/connect-clusters.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../create-logger.js';
import { wireChecklist } from '../../wire-checklist.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

/**
 * `oom-check resolve <incident-id> [--note TEXT]`: a person closes an incident the checklist left
 * open (declined, not approved in time, rolled back, or a fix that did not verify), once the
 * workload runs again or is handled elsewhere. The lifecycle decides; the cluster is not touched.
 */
export async function resolveCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('resolve', args, { note: { type: 'string' }, context: { type: 'string' } });
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.resolve ?? '');
    return ExitCode.Ok;
  }
  const [idText, ...extra] = positionals;
  if (!idText || !/^[1-9]\d{0,15}$/.test(idText)) throw usageError('resolve', 'give the incident id as a whole number, e.g. oom-check resolve 42');
  if (extra.length > 0) throw usageError('resolve', `unexpected argument "${extra[0]}" (a note goes after --note, in quotes)`);
  const config = loadConfig(io.env, ['store', 'cluster', 'log']);
  const checklist = wireChecklist({ dbPath: config.store.dbPath, cluster: commandClusters(config.cluster, values.context as string | undefined), clock: systemClock, log: createLogger(config.log.level) });
  try {
    const note = values.note as string | undefined;
    const answer = checklist.lifecycle.resolve(Number(idText), `cli:${userInfo().username}`, note?.trim() || undefined);
    switch (answer.outcome) {
      case 'resolved':
        writeLine(io.stdout, `incident ${idText} resolved and closed (its run had ended: ${answer.verdict})`);
        return ExitCode.Ok;
      case 'already-closed':
        writeLine(io.stderr, `incident ${idText} is already closed${answer.at ? ` (since ${answer.at})` : ''}`);
        return ExitCode.Failure;
      case 'not-possible':
        writeLine(io.stderr, `oom-check resolve: ${answer.message}`);
        return answer.message.endsWith('does not exist') ? ExitCode.NotFound : ExitCode.Failure;
    }
  } finally {
    await checklist.close();
  }
}

import { commandClusters } from '../../adapters/k8s/connect-clusters.js';
import { userInfo } from 'node:os';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { loadConfig } from '../../config.js';
import { wireChecklist } from '../../wire-checklist.js';
import { openPrompt } from '../ask.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { createLogger } from '../../create-logger.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

export async function rollbackCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('rollback', args, { yes: { type: 'boolean', short: 'y', default: false }, context: { type: 'string' } });
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.rollback ?? '');
    return ExitCode.Ok;
  }
  const [idText, ...extra] = positionals;
  if (!idText || !/^[1-9]\d{0,15}$/.test(idText)) throw usageError('rollback', `give the incident id as a whole number, e.g. oom-check rollback 42`);
  if (extra.length > 0) throw usageError('rollback', `unexpected argument "${extra[0]}"`);
  if (!values.yes) {
    const prompt = openPrompt(io);
    const answer = await prompt.ask(`Roll back the patch of incident ${idText}? [y/N]: `);
    prompt.close();
    if (answer === null) throw usageError('rollback', 'no terminal to confirm on: pass --yes');
    if (!/^y(es)?$/i.test(answer.trim())) return ExitCode.NotApproved;
  }
  const config = loadConfig(io.env, ['store', 'cluster', 'log']);
  const checklist = wireChecklist({ dbPath: config.store.dbPath, cluster: commandClusters(config.cluster, values.context as string | undefined), clock: systemClock, log: createLogger(config.log.level) });
  try {
    const result = await checklist.lifecycle.rollback(Number(idText), `cli:${userInfo().username}`);
    if (result.outcome === 'rolled-back') {
      writeLine(io.stdout, `rolled back ${result.workload}: limits.memory ${result.limit ?? '(none)'}. The OOM kill will return, so incident ${idText} stays open: run the checklist again with another limit, or fix the build, then resolve it`);
      return ExitCode.Ok;
    }
    writeLine(io.stderr, result.outcome === 'already-rolled-back' ? `already rolled back by ${result.actor} at ${result.at}` : `oom-check rollback: ${result.message}`);
    return ExitCode.Failure;
  } finally {
    await checklist.close();
  }
}

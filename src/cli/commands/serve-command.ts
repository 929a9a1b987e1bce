import { startBot } from '../../start-bot.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

/** Runs the bot until SIGTERM or SIGINT, then drains: running steps reach a persisted state, the database closes, exit 0. */
export async function serveCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('serve', args, {});
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.serve ?? '');
    return ExitCode.Ok;
  }
  if (positionals.length > 0) throw usageError('serve', `unexpected argument "${positionals[0]}"`);
  const bot = await startBot({ env: io.env });
  writeLine(io.stdout, `oom-check serving on ${bot.url}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  writeLine(io.stdout, `${signal}: finishing running steps, then stopping`);
  await bot.stop();
  return ExitCode.Ok;
}

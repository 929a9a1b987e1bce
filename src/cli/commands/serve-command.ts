import { closeServer, listenEarly } from '../../server/listen-early.js';
import type { Bot } from '../../start-bot.js';
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
  // Listening before start-up: a signal that arrives while the bot starts (or right after it says
  // so, before the next line of JavaScript runs) must not kill it with Node's default action.
  let requestStop: (signal: NodeJS.Signals) => void = () => {};
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (requestStop = resolve));
  const onTerm = () => requestStop('SIGTERM');
  const onInt = () => requestStop('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);
  // Listening first, then loading the bot (Bolt, client-node, prom-client...), which is most of start-up.
  const early = await listenEarly(io.env);
  let bot: Bot;
  try {
    const { startBot } = await import('../../start-bot.js');
    bot = await startBot({ env: io.env, ...(early ? { server: early } : {}) });
  } catch (error) {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    if (early) await closeServer(early);
    throw error;
  }
  writeLine(io.stdout, `oom-check serving on ${bot.url}`);
  const signal = await stopRequested;
  writeLine(io.stdout, `${signal}: finishing running steps, then stopping`);
  await bot.stop();
  return ExitCode.Ok;
}

import { schemaVersion } from '../../adapters/sqlite/migrate.js';
import { openDatabase } from '../../adapters/sqlite/open-database.js';
import { loadConfig } from '../../config.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

export async function migrateCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('migrate', args, {});
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.migrate ?? '');
    return ExitCode.Ok;
  }
  if (positionals.length > 0) throw usageError('migrate', `unexpected argument "${positionals[0]}"`);
  const { store } = loadConfig(io.env, ['store']);
  const { db, applied } = openDatabase(store.dbPath);
  try {
    for (const migration of applied) writeLine(io.stdout, `applied ${migration.file}`);
    const state = applied.length > 0 ? 'now at' : 'already up to date at';
    writeLine(io.stdout, `database ${store.dbPath} is ${state} schema version ${schemaVersion(db)}`);
    return ExitCode.Ok;
  } finally {
    db.close();
  }
}

import { toStorageError } from '../../adapters/fs/to-storage-error.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { openDatabase } from '../../adapters/sqlite/open-database.js';
import { SqliteIncidentStore } from '../../adapters/sqlite/sqlite-incident-store.js';
import { loadConfig } from '../../config.js';
import { renderPostmortemHtml } from '../../core/postmortem/render-html.js';
import { renderPostmortemJson } from '../../core/postmortem/render-json.js';
import { renderPostmortemMarkdown } from '../../core/postmortem/render-markdown.js';
import { assertNotDatabase } from '../assert-not-database.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { COMMAND_HELP } from '../usage.js';

const FORMATS = { md: renderPostmortemMarkdown, json: renderPostmortemJson, html: renderPostmortemHtml } as const;

export async function exportCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('export', args, {
    format: { type: 'string', short: 'f', default: 'md' },
    out: { type: 'string', short: 'o' },
  });
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.export ?? '');
    return ExitCode.Ok;
  }
  const [idText, ...extra] = positionals;
  if (idText === undefined) throw usageError('export', 'give the incident id, e.g. oom-check export 42');
  if (extra.length > 0) throw usageError('export', `unexpected argument "${extra[0]}"`);
  if (!/^[1-9]\d{0,15}$/.test(idText)) throw usageError('export', `"${idText}" is not an incident id: ids are whole numbers such as 42`);
  const format = values.format as string;
  if (!(format in FORMATS)) throw usageError('export', `--format must be md, json or html, not "${format}"`);

  const { store: storeConfig } = loadConfig(io.env, ['store']);
  const out = values.out as string | undefined;
  if (out !== undefined) assertNotDatabase(out, storeConfig.dbPath, `postmortem-incident-${idText}.${format}`);
  // Read-only: an export must work on a database this user may not write, and must never migrate
  // or otherwise change the file it reports on.
  const store = new SqliteIncidentStore(openDatabase(storeConfig.dbPath, { readonly: true }).db);
  try {
    let document: string;
    try {
      const incident = store.getIncident(Number(idText));
      if (!incident) {
        writeLine(io.stderr, `oom-check export: incident ${idText} does not exist in ${storeConfig.dbPath}`);
        return ExitCode.NotFound;
      }
      document = FORMATS[format as keyof typeof FORMATS](incident, store.timeline(incident.id));
    } catch (error) {
      // Damage past the first pages shows only when those pages are read.
      throw toStorageError(error, { role: 'database', path: storeConfig.dbPath });
    }
    if (out !== undefined) {
      writeFileAtomic(out, document);
      writeLine(io.stdout, `wrote the postmortem of incident ${idText} to ${out}`);
    } else {
      io.stdout.write(document);
    }
    return ExitCode.Ok;
  } finally {
    store.close();
  }
}

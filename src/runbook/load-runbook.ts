import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import { ErrorCode, OomCheckError } from '../core/errors.js';
import { runbookSchema, type Runbook } from '../core/runbook-schema.js';

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`)).join('') || '(top level)';
}

function invalid(source: string, problems: string[]): OomCheckError {
  return new OomCheckError(
    ErrorCode.RunbookInvalid,
    `runbook ${source} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );
}

/** Parses and validates runbook YAML; every problem names the field. `source` names the file in messages. */
export function parseRunbook(text: string, source: string): Runbook {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw invalid(source, document.errors.map((error) => `YAML: ${error.message.split('\n')[0] ?? ''}`));
  }
  const result = runbookSchema.safeParse(document.toJS(), { reportInput: true });
  if (!result.success) {
    throw invalid(
      source,
      result.error.issues.map((issue) => {
        const missing = issue.code === 'invalid_type' && issue.input === undefined;
        return `${fieldPath(issue.path)}: ${missing ? 'is required' : issue.message}`;
      }),
    );
  }
  return result.data;
}

export function loadRunbook(file: string): Runbook {
  const source = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OomCheckError(
      ErrorCode.RunbookInvalid,
      `runbook ${source} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check OOM_CHECK_RUNBOOK or --runbook`,
    );
  }
  return parseRunbook(text, source);
}

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ErrorCode, OomCheckError } from '../core/errors.js';
import { parseYaml } from '../core/parse-yaml.js';
import { runbookSchema, type Runbook } from '../core/runbook-schema.js';

/** `steps.approve.timeoutSeconds`, `policies[0].bounds`: where a problem is, as a person reads the file. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`)).join('') || '(top level)';
}

function invalid(source: string, problems: string[]): OomCheckError {
  return new OomCheckError(
    ErrorCode.RunbookInvalid,
    `runbook ${source} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );
}

/**
 * Parses and validates runbook YAML; every problem names the field (or, for YAML itself, the
 * line). Any text gives a Runbook or an OomCheckError RunbookInvalid, nothing else. `source`
 * names the file in messages.
 */
export function parseRunbook(text: string, source: string): Runbook {
  const yaml = parseYaml(text);
  if (!yaml.ok) {
    throw invalid(source, yaml.problems.map((problem) => `YAML: ${problem.message}${problem.line ? ` (line ${problem.line}, column ${problem.col})` : ''}`));
  }
  const result = runbookSchema.safeParse(yaml.value, { reportInput: true });
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

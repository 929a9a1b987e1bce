import { readFileSync } from 'node:fs';
import { ErrorCode, OomCheckError } from '../core/errors.js';
import { parseYaml } from '../core/parse-yaml.js';
import { policyFileSchema, type PolicyFile } from '../core/policy/policy-schema.js';
import { fieldPath } from './load-runbook.js';

function invalid(source: string, problems: string[]): OomCheckError {
  return new OomCheckError(ErrorCode.PoliciesInvalid, `policies file ${source} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}

/** Parses and validates a policies file; every problem names its field (or, for YAML, its line). */
export function parsePolicies(text: string, source: string): PolicyFile {
  const yaml = parseYaml(text);
  if (!yaml.ok) throw invalid(source, yaml.problems.map((problem) => `YAML: ${problem.message}${problem.line ? ` (line ${problem.line}, column ${problem.col})` : ''}`));
  const result = policyFileSchema.safeParse(yaml.value, { reportInput: true });
  if (!result.success) {
    throw invalid(
      source,
      result.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message}`),
    );
  }
  return result.data;
}

export function loadPolicies(file: string): PolicyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OomCheckError(ErrorCode.PoliciesInvalid, `policies file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check OOM_CHECK_POLICIES`);
  }
  return parsePolicies(text, file);
}

/**
 * Scenario YAML text -> a validated Scenario. Every problem names the file, the field path and what
 * is wrong, e.g. `scenarios/x.yaml: workloads[0].initContainers[0].limits.memory: "64MB" is not a
 * Kubernetes quantity ...`, so a scenario author never needs a stack trace.
 */
import { parseDocument } from 'yaml';
import { scenarioSchema, type Scenario } from './scenario-schema.js';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly code = 'SCENARIO_INVALID';

  /** `problems` are complete lines, each starting with the source name. */
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** `['workloads', 0, 'limits']` -> `workloads[0].limits`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

export function parseScenario(text: string, sourceName: string): Scenario {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `:${pos.line}:${pos.col}` : '';
        const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return `${sourceName}${where}: not valid YAML: ${message}`;
      }),
    );
  }
  const result = scenarioSchema.safeParse(doc.toJS());
  if (!result.success) {
    throw new ScenarioError(
      result.error.issues.map((issue) => {
        const path = formatPath(issue.path);
        return `${sourceName}: ${path ? `${path}: ` : ''}${issue.message}`;
      }),
    );
  }
  return result.data;
}

/**
 * Scenario YAML text -> a validated Scenario. Every problem names the file, the field path and what
 * is wrong, e.g. `scenarios/x.yaml: workloads[0].initContainers[0].limits.memory: "64MB" is not a
 * Kubernetes quantity ...`, so a scenario author never needs a stack trace.
 */
import { parseYaml } from '../core/parse-yaml.js';
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

/** Any text gives a Scenario or a ScenarioError, nothing else. */
export function parseScenario(text: string, sourceName: string): Scenario {
  const yaml = parseYaml(text);
  if (!yaml.ok) {
    throw new ScenarioError(yaml.problems.map((problem) => `${sourceName}${problem.line ? `:${problem.line}:${problem.col}` : ''}: not valid YAML: ${problem.message}`));
  }
  const result = scenarioSchema.safeParse(yaml.value);
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

/**
 * Runbooks and scenarios: whatever the text, the parser answers a value or its documented coded
 * error naming the field (RunbookInvalid, ScenarioError SCENARIO_INVALID), never another exception.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ErrorCode, isOomCheckError } from '../../src/core/errors.js';
import { packageRoot, runbooksDir } from '../../src/paths.js';
import { parseRunbook } from '../../src/runbook/load-runbook.js';
import { parseScenario, ScenarioError } from '../../src/sim/parse-scenario.js';
import { mutationOf, pathsOf, type Path } from './mutate.js';
import { anyText, runs } from './settings.js';
import { costlyYaml, yamlText } from './yaml-text.js';

/** `['steps', 'propose', 'headroom']` -> `steps.propose.headroom`, `['workloads', 0]` -> `workloads[0]`, as both parsers write paths. */
function fieldPath(path: Path): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${key}`)).join('');
}

/** Paths a problem may name: every field of the document, the prefixes of the changed one, the top level. */
function namable(document: unknown, changed: Path): Set<string> {
  return new Set(['', '(top level)', ...pathsOf(document).map(fieldPath), ...changed.map((_, i) => fieldPath(changed.slice(0, i + 1)))]);
}

/** `steps.detect.timeoutSeconds` -> `steps.detect`; `workloads[0]` -> `workloads`; `apiVersion` -> ``. */
const parentOf = (field: string): string => field.replace(/(\.[^.[\]]*|\[\d+\]|^[^.[\]]*)$/, '');

/** A problem names a field the document has, one above the change, or a field missing from an object it has (required). */
function expectNamable(field: string, document: unknown, changed: Path): void {
  const fields = namable(document, changed);
  expect(fields.has(field) || fields.has(parentOf(field)) ? field : `${field} (not in the document)`).toBe(field);
}

const runbookText = readFileSync(join(runbooksDir, 'oom-initcontainer.yaml'), 'utf8');
const runbook = parse(runbookText) as Record<string, unknown>;
const scenario = parse(readFileSync(join(packageRoot, 'scenarios', 'seed-oom.yaml'), 'utf8')) as Record<string, unknown>;

/** Runs the runbook parser; returns its problems (without the heading) or null when the text is a runbook. */
function runbookProblems(text: string): string[] | null {
  try {
    parseRunbook(text, 'r.yaml');
    return null;
  } catch (error) {
    if (!isOomCheckError(error, ErrorCode.RunbookInvalid)) throw error;
    const [heading, ...problems] = error.message.split('\n  - ');
    expect(heading).toBe('runbook r.yaml is invalid:');
    expect(problems.length).toBeGreaterThan(0);
    return problems;
  }
}

/** Runs the scenario parser; returns its problems (without the file name) or null when the text is a scenario. */
function scenarioProblems(text: string): string[] | null {
  try {
    parseScenario(text, 's.yaml');
    return null;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.code).toBe('SCENARIO_INVALID');
    expect(error.problems.length).toBeGreaterThan(0);
    return error.problems.map((problem) => {
      expect(problem.startsWith('s.yaml')).toBe(true);
      return problem.replace(/^s\.yaml(:\d+:\d+)?: /, '');
    });
  }
}

/** The field a problem names: `steps.propose.headroom: must be…` -> `steps.propose.headroom`. */
const namedField = (problem: string): string | null => (problem.startsWith('YAML: ') || problem.startsWith('not valid YAML: ') ? null : /^([^\s:]*(\[\d+\])*[^\s:]*): /.exec(problem)?.[1] ?? '');

const parsers = [
  ['runbook', runbookProblems, runbook],
  ['scenario', scenarioProblems, scenario],
] as const;

describe.each(parsers)('%s text', (_name, problemsOf, valid) => {
  test('any characters: a value or the coded error, never another exception', () => {
    fc.assert(fc.property(anyText(200), (text) => void problemsOf(text)), runs(150));
  });

  test('any YAML structure (anchors, aliases, tags, merge keys, several documents): the coded error, never another exception', () => {
    fc.assert(fc.property(yamlText, (text) => void problemsOf(text)), runs(150));
  });

  test('deep nesting and multiplying aliases are refused with the coded error, quickly', () => {
    fc.assert(
      fc.property(costlyYaml, (text) => {
        const started = performance.now();
        expect(problemsOf(text)).not.toBeNull();
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      runs(20),
    );
  });

  test('any JSON value written as YAML: the coded error naming the top level or a field it has', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const problems = problemsOf(stringify(value));
        for (const problem of problems ?? []) {
          const field = namedField(problem);
          if (field !== null) expectNamable(field, value, []);
        }
      }),
      runs(100),
    );
  });

  test('one field of the shipped file changed, removed or added: each problem names the changed field, a field above it, or a field the document has', () => {
    fc.assert(
      fc.property(mutationOf(valid), ({ value, path }) => {
        const problems = problemsOf(stringify(value));
        for (const problem of problems ?? []) {
          const field = namedField(problem);
          expect(field).not.toBeNull();
          expectNamable(field!, value, path);
        }
      }),
      runs(150),
    );
  });
});

describe('valid runbooks round-trip', () => {
  const settings = fc.record({
    name: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
    budgetSeconds: fc.double({ min: 0.001, max: 3600, noNaN: true }),
    headroom: fc.double({ min: 0.001, max: 1, noNaN: true }),
    fallbackFactor: fc.double({ min: 1.001, max: 16, noNaN: true }),
    roundTo: fc.tuple(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('Ki', 'Mi', 'Gi', '', 'k', 'M')).map(([n, unit]) => `${n}${unit}`),
    port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/)),
    expectStatus: fc.stringMatching(/^([1-5]xx|[1-5]\d\d)$/),
    mode: fc.constantFrom('manual', 'auto'),
    maxSteps: fc.integer({ min: 1, max: 10 }),
    oomBumpRatio: fc.double({ min: 1.001, max: 16, noNaN: true }),
    image: fc.option(fc.tuple(fc.stringMatching(/^[a-z0-9./-]{1,30}$/), fc.stringMatching(/^[0-9a-f]{64}$/)).map(([repo, digest]) => `${repo}@sha256:${digest}`)),
  });

  test('what the schema allows is accepted and read back as written', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const steps = runbook.steps as Record<string, Record<string, unknown>>;
        const written = {
          ...runbook,
          name: s.name,
          budgetSeconds: s.budgetSeconds,
          steps: {
            ...steps,
            'image-info': { ...steps['image-info'], port: s.port },
            propose: { headroom: s.headroom, fallbackFactor: s.fallbackFactor, oomBumpRatio: s.oomBumpRatio, oomMinBump: s.roundTo, roundTo: s.roundTo, maxSteps: s.maxSteps },
            approve: { ...steps.approve, mode: s.mode },
            health: { ...steps.health, expectStatus: s.expectStatus },
          },
          quickDowngrade: { ...(runbook.quickDowngrade as object), image: s.image },
        };
        const read = parseRunbook(stringify(written), 'r.yaml');
        expect(read).toEqual(written);
        // What a run stores is read back by the same schema unchanged.
        expect(parseRunbook(stringify(read), 'stored.yaml')).toEqual(read);
      }),
      runs(60),
    );
  });
});

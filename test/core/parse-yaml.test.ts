import { parseYaml, YAML_LIMITS } from '../../src/core/parse-yaml.js';

const laughs = (levels: number): string => {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n');
};

describe('parseYaml', () => {
  test.each([
    ['a mapping', 'a: 1\nb: [x, y]', { a: 1, b: ['x', 'y'] }],
    ['an anchor used twice', 'a: &x {k: 1}\nb: *x', { a: { k: 1 }, b: { k: 1 } }],
    [`nesting ${YAML_LIMITS.maxDepth} deep`, `${'['.repeat(YAML_LIMITS.maxDepth)}${']'.repeat(YAML_LIMITS.maxDepth)}`, expect.any(Array)],
    ['an empty text', '', null],
  ])('%s is read', (_what, text, value) => {
    expect(parseYaml(text)).toEqual({ ok: true, value });
  });

  test.each([
    ['a duplicate key', 'a: 1\na: 2', /Map keys must be unique/, 2],
    ['an alias to no anchor', 'a: *nope', /Unresolved alias/, undefined],
    ['aliases that multiply (billion laughs)', laughs(9), /Excessive alias count/, undefined],
    [`nesting deeper than ${YAML_LIMITS.maxDepth}`, `a:\n  b: ${'['.repeat(5000)}${']'.repeat(5000)}`, /nested more than 64 levels deep/, 2],
    ['block nesting deeper than the limit', Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'), /nested more than 64 levels deep/, 65],
    ['two documents', 'a: 1\n---\nb: 2', /multiple documents/, 2],
    ['a text over the size limit', `a: "${'x'.repeat(YAML_LIMITS.maxChars)}"`, /at most 1000000 are read/, undefined],
  ])('%s is a problem, not an exception', (_what, text, message, line) => {
    const result = parseYaml(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toMatch(message);
    expect(result.problems[0]?.line).toBe(line);
  });

  test('deep nesting read again and again stays a problem (composing it once overflowed the stack, and V8 then aborted the process)', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (let i = 0; i < 3; i++) expect(parseYaml(deep)).toMatchObject({ ok: false });
  });
});

import fc from 'fast-check';

/** A scalar as YAML text: plain, quoted, tagged, typed, aliased or anchored. */
const scalar = fc.oneof(
  fc.string({ maxLength: 10 }).map((text) => JSON.stringify(text)),
  fc.integer().map(String),
  fc.constantFrom('~', 'null', 'true', 'yes', 'off', '0x1F', '0o17', '1e3', '.inf', '-.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00', "'it''s'", '"\\u0000"', '|-\n  block', '!!binary aGk=', '!!str 1', '!!int "x"', '!!float abc', '!custom x', '!!timestamp nope', '*a', '*b', '*nope', '&a 1', '&b x', '<<', '? x', '- -', ': :', '%', '@x', '`x'),
);

/**
 * YAML text built from the language's structure, not only its characters: flow collections, anchors
 * and aliases (unknown ones too), tags, merge keys, several documents, directives and comments.
 */
export const yamlText: fc.Arbitrary<string> = fc
  .letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
      fc.array(fc.tuple(fc.oneof(scalar, fc.constantFrom('apiVersion', 'kind', 'steps', 'namespaces', 'workloads', '<<', '__proto__')), tie('node')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      fc.tuple(fc.constantFrom('&a', '&b', '!!set', '!!omap', '!!map', '!!seq', '!!pairs'), tie('node')).map(([prefix, node]) => `${prefix} ${node}`),
    ),
  }))
  .node.chain((root) =>
    fc.oneof(
      fc.constant(root),
      fc.array(fc.tuple(fc.constantFrom('apiVersion', 'kind', 'steps', 'a', '<<', '__proto__', '"x y"'), fc.constant(root)), { minLength: 1, maxLength: 3 }).map((lines) => lines.map(([k, v]) => `${k}: ${v}`).join('\n')),
      fc.constantFrom('---\n', '%YAML 1.1\n---\n', '# comment\n', '--- !!map\n').map((head) => `${head}${root}\n...\n---\n${root}`),
    ),
  );

/** Documents that cost a parser most: deep nesting and aliases that multiply ("billion laughs"). */
export const costlyYaml: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 50, max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 50, max: 3000 }).map((depth) => `a: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 50, max: 600 }).map((depth) => Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}- `).join('\n') + 'x'),
  fc.integer({ min: 2, max: 9 }).map((levels) => {
    const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    return lines.join('\n');
  }),
);

import { LineCounter, parseDocument, Parser } from 'yaml';

/**
 * Bounds on a YAML file (runbooks and scenarios nest 4 and 8 levels deep and use no aliases at
 * all): far above what a real file needs, far below what hurts the process.
 */
export const YAML_LIMITS = { maxChars: 1_000_000, maxDepth: 64, maxAliasCount: 100 } as const;

export interface YamlProblem {
  message: string;
  /** 1-based, when the problem has a place in the text. */
  line?: number;
  col?: number;
}

export type ParsedYaml = { ok: true; value: unknown } | { ok: false; problems: YamlProblem[] };

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * The deepest nesting of collections in the text, and where it passes `maxDepth`, read from the
 * concrete syntax tree with an explicit stack. The `yaml` package composes documents
 * recursively: a few thousand nested `[` overflow the stack, and once that has happened V8 can
 * abort the whole process (a fatal "RegExpCompiler Allocation failed" on the next deep parse),
 * which no try/catch survives. So nesting is measured before anything is composed.
 */
function tooDeep(text: string): YamlProblem | null {
  const lines = new LineCounter();
  const stack: Array<[unknown, number]> = [];
  for (const token of new Parser(lines.addNewLine).parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    const { type, offset } = node as { type?: unknown; offset?: unknown };
    const level = typeof type === 'string' && COLLECTIONS.has(type) ? depth + 1 : depth;
    if (level > YAML_LIMITS.maxDepth) {
      const at = typeof offset === 'number' ? lines.linePos(offset) : undefined;
      return { message: `collections are nested more than ${YAML_LIMITS.maxDepth} levels deep`, ...(at ? { line: at.line, col: at.col } : {}) };
    }
    for (const child of Object.values(node)) if (child && typeof child === 'object') stack.push([child, level]);
  }
  return null;
}

/**
 * One YAML document -> a plain value, or every problem with its place; never an exception for any
 * text. Duplicate keys are problems. Aliases are limited (`maxAliasCount`), and an alias to an
 * anchor not set before it is a problem, not a ReferenceError.
 */
export function parseYaml(text: string): ParsedYaml {
  if (text.length > YAML_LIMITS.maxChars) {
    return { ok: false, problems: [{ message: `the text is ${text.length} characters long; at most ${YAML_LIMITS.maxChars} are read` }] };
  }
  const deep = tooDeep(text);
  if (deep) return { ok: false, problems: [deep] };
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const at = error.pos[0] >= 0 ? lines.linePos(error.pos[0]) : undefined;
        return { message: error.message.split('\n')[0] ?? '', ...(at ? { line: at.line, col: at.col } : {}) };
      }),
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount }) };
  } catch (error) {
    // What toJS throws for aliases: "Unresolved alias ..." and "Excessive alias count ...".
    if (error instanceof ReferenceError) return { ok: false, problems: [{ message: error.message }] };
    throw error;
  }
}

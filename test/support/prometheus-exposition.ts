/**
 * A strict reader of Prometheus' text exposition format (0.0.4), for tests of what an exporter
 * serves: every line must be a HELP, a TYPE or a sample; names and label names must be valid;
 * label values must be correctly quoted and escaped; a family's TYPE comes before its samples, which
 * are contiguous; no series appears twice. Anything else throws, naming the line.
 */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  /** Label names in the order written. */
  labelOrder: string[];
  value: number;
  timestampMs?: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  // Prometheus reads values with Go's strconv.ParseFloat, which ignores case in NaN and Inf (prom-client writes "Nan").
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: "${text}" is not a sample value`);
  return Number(text);
}

/** `{a="x",b="y\"z"}` from position `at` (at the `{`): the labels, and where the text goes on. */
function parseLabels(text: string, at: number, line: number): { labels: Record<string, string>; order: string[]; end: number } {
  const labels: Record<string, string> = {};
  const order: string[] = [];
  let i = at + 1;
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i);
    if (eq === -1) throw new Error(`line ${line}: label without "="`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: "${name}" is not a label name`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: the value of ${name} is not quoted`);
    let j = eq + 2;
    let value = '';
    for (; j < text.length && text[j] !== '"'; j += 1) {
      if (text[j] === '\\') {
        const next = text[j + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
        j += 1;
      } else if (text[j] === '\n') throw new Error(`line ${line}: raw newline in a label value`);
      else value += text[j];
    }
    if (j >= text.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    order.push(name);
    i = j + 1;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected "," or "}" after ${name}`);
  }
  return { labels, order, end: i + 1 };
}

export function parseExposition(text: string): ParsedFamily[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: ParsedFamily | undefined;
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  text.split('\n').slice(0, -1).forEach((raw, index) => {
    const line = index + 1;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (!NAME.test(name)) throw new Error(`line ${line}: "${name}" is not a metric name`);
      const f = family(name);
      if (f.samples.length > 0) throw new Error(`line ${line}: ${kind} for ${name} after its samples`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type "${rest}"`);
        f.type = rest;
      } else f.help = rest;
      return;
    }
    // The format ignores empty lines (prom-client writes one between families).
    if (raw.startsWith('#') || raw === '') return;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw)?.[0];
    if (!name) throw new Error(`line ${line}: not a sample: ${raw}`);
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    let order: string[] = [];
    if (rest.startsWith('{')) {
      const parsed = parseLabels(raw, name.length, line);
      labels = parsed.labels;
      order = parsed.order;
      rest = raw.slice(parsed.end);
    }
    const parts = rest.trim().split(' ');
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`line ${line}: expected " value [timestamp]"`);
    const f = family(name);
    // A histogram's or summary's _bucket, _sum and _count samples are one family: contiguous together.
    const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    const owner = base !== undefined && ['histogram', 'summary'].includes(families.get(base)?.type ?? '') ? families.get(base)! : f;
    if (current !== owner) {
      if (current) finished.add(current.name);
      if (finished.has(owner.name)) throw new Error(`line ${line}: samples of ${owner.name} are not contiguous`);
      current = owner;
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${line}: series ${key} appears twice`);
    series.add(key);
    const sample: ParsedSample = { name, labels, labelOrder: order, value: parseValue(parts[0] as string, line) };
    if (parts[1] !== undefined) {
      if (!/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: "${parts[1]}" is not a timestamp`);
      sample.timestampMs = Number(parts[1]);
    }
    f.samples.push(sample);
  });
  return [...families.values()];
}

/** The samples of `name` whose labels include `match`. */
export function samplesOf(families: readonly ParsedFamily[], name: string, match: Record<string, string> = {}): ParsedSample[] {
  return (families.find((f) => f.name === name)?.samples ?? []).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

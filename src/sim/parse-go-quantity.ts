/**
 * apimachinery's resource.ParseQuantity (api/resource/quantity.go), for what the API server decides
 * with it: which text decodes into a Quantity and with which error, and its sign and size for
 * validation. The scanner is ported as is, so odd inputs get the same verdict: `1.`, `.` and `+` parse,
 * `64MB` and ` 64Mi` do not match the format, `64Mm` and `1e` have no known suffix. Checked against
 * kubectl's parser in test/sim/validation-oracle.test.ts. Values are JavaScript numbers: exact for
 * anything a memory or CPU limit is, approximate beyond 2^53.
 */

export const ERR_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const ERR_SUFFIX = "unable to parse quantity's suffix";

const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DIGIT = /[0-9]/;

interface Scanned {
  positive: boolean;
  value: string;
  suffix: string;
}

/** parseQuantityString, step for step. */
function scan(str: string): Scanned | 'format' {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === '-' || str[0] === '+')) {
    positive = str[0] !== '-';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', suffix: '' };
  let i = pos;
  while (i < end && DIGIT.test(str[i] as string)) i++;
  if (i >= end) return { positive, value: str, suffix: '' };
  pos = i;
  if (str[pos] === '.') {
    pos++;
    let j = pos;
    while (j < end && DIGIT.test(str[j] as string)) j++;
    if (j >= end) return { positive, value: str, suffix: '' };
    pos = j;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  let k = pos;
  while (k < end && 'eEinumkKMGTP'.includes(str[k] as string)) k++;
  if (k >= end) return { positive, value, suffix: str.slice(suffixStart) };
  pos = k;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && DIGIT.test(str[pos] as string)) pos++;
  if (pos >= end) return { positive, value, suffix: str.slice(suffixStart) };
  return 'format';
}

/** quantitySuffixer.interpret: [base, exponent] or undefined for an unknown suffix. */
function interpret(suffix: string): [2 | 10, number] | undefined {
  if (suffix in BINARY) return [2, BINARY[suffix] as number];
  if (suffix in DECIMAL) return [10, DECIMAL[suffix] as number];
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) return [10, Number(suffix.slice(1))];
  return undefined;
}

export type GoQuantity = { ok: true; value: number } | { ok: false; error: string };

/** Parses `text` as ParseQuantity does (the caller trims JSON quotes and spaces, as UnmarshalJSON does). */
export function parseGoQuantity(text: string): GoQuantity {
  if (text.length === 0) return { ok: false, error: ERR_FORMAT_WRONG };
  if (text === '0') return { ok: true, value: 0 };
  const scanned = scan(text);
  if (scanned === 'format') return { ok: false, error: ERR_FORMAT_WRONG };
  const unit = interpret(scanned.suffix);
  if (!unit) return { ok: false, error: ERR_SUFFIX };
  // What the scanner let through is digits with at most one '.', possibly none at all ("." is 0).
  const digits = scanned.value.replace(/^[+-]/, '');
  const magnitude = (/\d/.test(digits) ? Number(digits.endsWith('.') ? digits.slice(0, -1) : digits) : 0) * unit[0] ** unit[1];
  return { ok: true, value: scanned.positive ? magnitude : -magnitude };
}

/** What Quantity.UnmarshalJSON parses for a JSON value: a string without its quotes, trimmed; other JSON as written. */
export function quantityText(value: unknown): string {
  return (typeof value === 'string' ? value : JSON.stringify(value) ?? '').trim();
}

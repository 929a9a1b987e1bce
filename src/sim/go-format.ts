/**
 * Go's `%v` of a decoded JSON value, because the API server puts such values into error messages:
 * `map: map[image:x] does not contain declared merge key: name`, `patch: Invalid value:
 * "map[spec:map[...]]"`. Maps print with sorted keys, lists as `[a b]`, null as `<nil>`. Numbers
 * follow the API server's decoding, which keeps integers as int64 (sigs.k8s.io/json PreserveInts)
 * and prints other numbers as float64 `%v` does (shortest digits, exponent from 1e+06 up).
 */
import type { JsonValue } from './k8s-types.js';

function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa = '', exponentText = '0'] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21 || (exponent >= 6 && !Number.isInteger(n))) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(n);
}

export function goFormat(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  if (typeof value === 'number') return goFloat(value);
  return String(value);
}

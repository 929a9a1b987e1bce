/**
 * A resource value as the scheduler and the quota evaluator compare it: memory in bytes, CPU in
 * millicores, a count as is; parsed with apimachinery's ParseQuantity (parse-go-quantity.ts) and
 * rounded up, as Quantity.Value / MilliValue do. An absent or unparsable value is 0.
 */
import { parseGoQuantity, quantityText } from './parse-go-quantity.js';

export function amountOf(value: unknown, resource: 'memory' | 'cpu' | 'count'): number {
  if (value === undefined || value === null) return 0;
  const parsed = parseGoQuantity(quantityText(value));
  if (!parsed.ok) return 0;
  return Math.ceil(resource === 'cpu' ? parsed.value * 1000 : parsed.value);
}

/**
 * Quantity.String of a value in the format of the quantity it came from (the first operand's
 * format, for a sum): binary suffixes for values written with Ki/Mi/Gi (`768Mi`), decimal ones for
 * values written with k/M/G or plain digits (`1G`, `3`), millicores for CPU (`1500m`, `2`).
 */
export function formatAmount(value: number, resource: 'memory' | 'cpu' | 'count', binary = resource === 'memory'): string {
  if (resource === 'cpu') return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  if (binary && Math.abs(value) >= 1024) {
    for (const [unit, factor] of [['Ei', 1024 ** 6], ['Pi', 1024 ** 5], ['Ti', 1024 ** 4], ['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
      if (value % factor === 0) return `${value / factor}${unit}`;
    }
    return String(value);
  }
  for (const [unit, factor] of [['E', 1e18], ['P', 1e15], ['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]] as const) {
    if (value !== 0 && value % factor === 0) return `${value / factor}${unit}`;
  }
  return String(value);
}

/** Whether a written quantity uses a binary suffix (its sums print as `...Mi`). */
function isBinary(text: unknown): boolean {
  return /(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(String(text ?? '').trim());
}

/** The canonical form the API server stores for a written quantity (`1024Mi` -> `1Gi`, `0.5` -> `500m`). */
export function canonical(text: unknown, resource: 'memory' | 'cpu' | 'count'): string {
  return formatAmount(amountOf(text, resource), resource, isBinary(text));
}

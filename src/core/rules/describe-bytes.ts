import { formatQuantity } from '../quantity.js';

const Ki = 1024;
const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

/**
 * A size for people: the exact quantity when it is a whole number of MiB (`128Mi`, `4Gi`), else
 * rounded to the nearest unit (`113Mi`), as the seed writes its arithmetic; `47616Ki` is exact but
 * unreadable. Not for patches: those need exact quantities.
 */
export function describeBytes(bytes: number): string {
  if (bytes >= 10 * Gi && bytes % Mi !== 0) return `${Math.round(bytes / Gi)}Gi`;
  if (bytes >= Mi && bytes % Mi !== 0) return `${Math.round(bytes / Mi)}Mi`;
  if (bytes >= Ki && bytes < Mi && bytes % Ki !== 0) return `${Math.round(bytes / Ki)}Ki`;
  return formatQuantity(bytes);
}

import { formatQuantity, isQuantity, parseQuantity } from '../quantity.js';

export type EditedLimit = { ok: true; limit: string; bytes: number } | { ok: false; problem: string };

/**
 * A limit a person typed into "Edit limit": a quantity above the current limit and within the
 * configured maximum. The problem says what to type instead.
 */
export function checkEditedLimit(text: string, bounds: { currentBytes: number | null; maxBytes: number }): EditedLimit {
  const trimmed = text.trim();
  if (!isQuantity(trimmed) || parseQuantity(trimmed) === 0) {
    return { ok: false, problem: `"${trimmed.slice(0, 40)}" is not a memory quantity: write e.g. 192Mi or 1Gi` };
  }
  const bytes = parseQuantity(trimmed);
  if (bytes > bounds.maxBytes) {
    return { ok: false, problem: `${trimmed} is above the maximum ${formatQuantity(bounds.maxBytes)} (OOM_CHECK_MAX_MEMORY_LIMIT)` };
  }
  if (bounds.currentBytes !== null && bytes <= bounds.currentBytes) {
    return { ok: false, problem: `${trimmed} is not above the current limit ${formatQuantity(bounds.currentBytes)}: it cannot fix an OOM kill` };
  }
  return { ok: true, limit: trimmed, bytes };
}

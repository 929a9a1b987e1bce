import { parseQuantity, QuantityError } from '../quantity.js';

/**
 * Bytes of a quantity read from the cluster, or null when absent or unparseable. The API server
 * validates quantities, so an unparseable one means a hand-made object: report "unknown", don't fail.
 */
export function bytesOrNull(quantity: string | null | undefined): number | null {
  if (quantity === null || quantity === undefined) return null;
  try {
    return parseQuantity(quantity);
  } catch (error) {
    if (error instanceof QuantityError) return null;
    throw error;
  }
}

/**
 * Kubernetes resource quantities for memory, in bytes.
 * Kept in the core (not client-node's helpers) so pure rules and the simulator share one parser.
 */
const SUFFIX_FACTORS: Record<string, number> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  m: 1e-3,
};

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m))?$/;

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

/** Bytes in a memory quantity such as `64Mi`, `1G` or `128974848`; rounds fractions of a byte up. */
export function parseQuantity(text: string): number {
  const match = QUANTITY.exec(text.trim());
  if (!match || text.trim() === '') {
    throw new QuantityError(
      `"${text}" is not a Kubernetes quantity: write a number with an optional suffix, e.g. 128Mi, 1Gi or 500M`,
    );
  }
  const [, number = '0', exponent, suffix = ''] = match;
  const value = exponent ? Number(number + exponent) : Number(number) * (SUFFIX_FACTORS[suffix] ?? 1);
  if (!Number.isFinite(value) || value < 0) {
    throw new QuantityError(`"${text}" is not a usable memory quantity: it must be a finite, non-negative size`);
  }
  // `+ 0` turns the -0 of "-0" (or "-0e3") into 0.
  return Math.ceil(value) + 0;
}

/** Whether `text` parses as a quantity. */
export function isQuantity(text: string): boolean {
  try {
    parseQuantity(text);
    return true;
  } catch (error) {
    if (error instanceof QuantityError) return false;
    throw error;
  }
}

const BINARY_UNITS: ReadonlyArray<[string, number]> = [
  ['Ei', 1024 ** 6],
  ['Pi', 1024 ** 5],
  ['Ti', 1024 ** 4],
  ['Gi', 1024 ** 3],
  ['Mi', 1024 ** 2],
  ['Ki', 1024],
];

/** The shortest exact binary-suffixed form of `bytes` (`134217728` -> `128Mi`), or plain bytes. */
export function formatQuantity(bytes: number): string {
  for (const [unit, factor] of BINARY_UNITS) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/** Rounds `bytes` up to a whole multiple of `step` bytes (a step of 0 leaves it as it is). */
export function roundUpTo(bytes: number, step: number): number {
  return step > 0 ? Math.ceil(bytes / step) * step : bytes;
}

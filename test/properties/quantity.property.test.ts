import fc from 'fast-check';
import { formatQuantity, isQuantity, parseQuantity, QuantityError } from '../../src/core/quantity.js';
import { anyText, runs } from './settings.js';

const FACTORS = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 } as const;
type Suffix = keyof typeof FACTORS;

const bytes = fc.oneof(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 64 }).map((n) => n * 2 ** 20));

/** A quantity written with a suffix, and its exact byte count (kept within safe integers). */
const quantity: fc.Arbitrary<{ text: string; bytes: number }> = fc
  .constantFrom(...(Object.keys(FACTORS) as Suffix[]))
  .chain((suffix) => fc.nat({ max: Math.floor(Number.MAX_SAFE_INTEGER / FACTORS[suffix]) }).map((n) => ({ text: `${n}${suffix}`, bytes: n * FACTORS[suffix] })));

/** Anything someone might type into the Edit limit box or a runbook, quantity-like or not. */
const garbage = fc.oneof(
  anyText(40),
  fc.stringMatching(/^[+-]?\d{0,30}(\.\d{0,5})?([eE][+-]?\d{1,4})?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m|MB|i|K)?$/),
  fc.tuple(fc.double(), fc.constantFrom('', 'Mi', 'e3', 'm')).map(([n, suffix]) => `${n}${suffix}`),
);

describe('memory quantities', () => {
  test('format then parse gives the bytes back; format picks the largest exact binary unit', () => {
    fc.assert(
      fc.property(bytes, (n) => {
        const text = formatQuantity(n);
        expect(parseQuantity(text)).toBe(n);
        expect(text).toMatch(/^\d+(Ki|Mi|Gi|Ti|Pi|Ei)?$/);
        const [, number, unit] = /^(\d+)(\w*)$/.exec(text)!;
        if (unit) expect(Number(number) % 1024 !== 0 || unit === 'Ei').toBe(true);
      }),
      runs(300),
    );
  });

  test('a suffixed quantity is its number times the suffix; parse(format(parse(q))) is stable', () => {
    fc.assert(
      fc.property(quantity, ({ text, bytes: expected }) => {
        expect(parseQuantity(text)).toBe(expected);
        expect(parseQuantity(formatQuantity(parseQuantity(text)))).toBe(expected);
      }),
      runs(300),
    );
  });

  test('parsing keeps the order of sizes', () => {
    fc.assert(
      fc.property(quantity, quantity, (a, b) => {
        expect(Math.sign(parseQuantity(a.text) - parseQuantity(b.text))).toBe(Math.sign(a.bytes - b.bytes));
      }),
      runs(300),
    );
  });

  test('garbage is refused with QuantityError and nothing else; what parses is a whole, non-negative number of bytes', () => {
    fc.assert(
      fc.property(garbage, (text) => {
        let parsed: number | undefined;
        try {
          parsed = parseQuantity(text);
        } catch (error) {
          expect(error).toBeInstanceOf(QuantityError);
          expect((error as Error).message).toMatch(/quantity/);
        }
        expect(isQuantity(text)).toBe(parsed !== undefined);
        if (parsed !== undefined) {
          expect(Number.isInteger(parsed) && parsed >= 0).toBe(true);
          expect(Object.is(parsed, -0)).toBe(false);
        }
      }),
      runs(500),
    );
  });
});

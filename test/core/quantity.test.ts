import { formatQuantity, isQuantity, parseQuantity, QuantityError, roundUpTo } from '../../src/core/quantity.js';
import { packageRoot } from '../../src/paths.js';

const Mi = 1024 ** 2;

describe('parseQuantity', () => {
  test.each([
    ['64Mi', 64 * Mi],
    ['128974848', 128974848],
    ['1Gi', 1024 * Mi],
    ['1G', 1e9],
    ['500M', 5e8],
    ['1.5Gi', 1536 * Mi],
    ['129e6', 129e6],
    ['0', 0],
    [' 96Mi ', 96 * Mi],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseQuantity(text)).toBe(bytes);
  });

  test.each(['abc', '', '64MB', '-1Mi', 'Mi', '1.2.3Gi', '64 Mi'])('rejects %p with a hint', (text) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
    expect(isQuantity(text)).toBe(false);
  });
});

describe('formatQuantity', () => {
  test.each([
    [128 * Mi, '128Mi'],
    [1024 * Mi, '1Gi'],
    [1536 * Mi, '1536Mi'],
    [1000, '1000'],
    [2048, '2Ki'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatQuantity(bytes)).toBe(text);
  });
});

test('roundUpTo rounds up to whole steps', () => {
  expect(roundUpTo(113 * Mi, 16 * Mi)).toBe(128 * Mi);
  expect(roundUpTo(128 * Mi, 16 * Mi)).toBe(128 * Mi);
  expect(roundUpTo(7, 0)).toBe(7);
});

test('the package root is found from source', () => {
  expect(packageRoot).toMatch(/\S/);
});

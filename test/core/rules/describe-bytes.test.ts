import { describeBytes } from '../../../src/core/rules/describe-bytes.js';

const Ki = 1024;
const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

test.each([
  [128 * Mi, '128Mi'],
  [4 * Gi, '4Gi'],
  [1536 * Mi, '1536Mi'],
  [Math.ceil((96 * Mi) / 0.85), '113Mi'],
  [46.5 * Mi, '47Mi'],
  [12845678, '12Mi'],
  [10 * Gi + 1, '10Gi'],
  [2 * Ki, '2Ki'],
  [1500, '1Ki'],
  [512, '512'],
  [0, '0'],
])('%d bytes reads %s', (bytes, text) => {
  expect(describeBytes(bytes)).toBe(text);
});

import { parseIncidentId } from '../../../src/adapters/slack/parse-incident-id.js';

describe('parseIncidentId', () => {
  test.each([
    ['1', 1],
    ['42', 42],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('%p is incident %d', (value, id) => {
    expect(parseIncidentId(value)).toBe(id);
  });

  test.each(['', '0', '-1', '01', '1.0', '1e3', ' 1', '1 ', '0x10', 'abc', 'NaN', 'Infinity', '9007199254740993', '99999999999999999', undefined, null, 1, {}])(
    '%p is no incident id',
    (value) => {
      expect(parseIncidentId(value)).toBeNull();
    },
  );
});

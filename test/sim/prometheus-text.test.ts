/** The exposition writer's number format (Go's strconv 'g', -1) and the strict reader the metrics tests rely on. */
import { exposition, goFloatG } from '../../src/sim/prometheus-text.js';
import { parseExposition } from '../support/prometheus-exposition.js';

test.each<[number, string]>([
  [0, '0'],
  [1, '1'],
  [137, '137'],
  [0.5, '0.5'],
  [123456, '123456'],
  [1e6, '1e+06'],
  [67108864, '6.7108864e+07'],
  [1501777018, '1.501777018e+09'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
])('goFloatG(%p) = %s, as strconv.FormatFloat(v, \'g\', -1, 64)', (value, text) => {
  expect(goFloatG(value)).toBe(text);
});

test('label values are escaped, and read back as written', () => {
  const text = exposition([{ name: 'm', type: 'gauge', help: 'a\\b\nc', samples: [{ labels: [['l', 'x"y\\z\nw']], value: 2 }] }]);
  expect(text).toBe('# HELP m a\\\\b\\nc\n# TYPE m gauge\nm{l="x\\"y\\\\z\\nw"} 2\n');
  expect(parseExposition(text)[0]?.samples[0]?.labels).toEqual({ l: 'x"y\\z\nw' });
});

test.each<[string, string]>([
  ['a series twice', '# TYPE m gauge\nm{a="1"} 1\nm{a="1"} 2\n'],
  ['a family split in two', '# TYPE m gauge\nm 1\n# TYPE n gauge\nn 1\nm{a="2"} 1\n'],
  ['an unquoted label value', 'm{a=1} 1\n'],
  ['a bad label name', 'm{1a="x"} 1\n'],
  ['TYPE after samples', 'm 1\n# TYPE m gauge\n'],
  ['a value that is no number', 'm one\n'],
  ['no final newline', 'm 1'],
])('the reader refuses %s', (_name, text) => {
  expect(() => parseExposition(text)).toThrow();
});

import { memorySelector, promqlString, regexLiteral } from '../../../src/adapters/prometheus/memory-selector.js';

describe('memorySelector', () => {
  test.each([
    ['Deployment' as const, 'checkout', 'checkout-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}'],
    ['StatefulSet' as const, 'db', 'db-(0|[1-9][0-9]*)'],
    ['DaemonSet' as const, 'node-agent', 'node-agent-[bcdfghjklmnpqrstvwxz2456789]{5}'],
  ])('%s %s: pods named by the controller, one container, no pod-level series', (kind, name, pods) => {
    expect(memorySelector({ namespace: 'shop', owner: { kind, name }, container: 'migrate' })).toBe(
      `container_memory_working_set_bytes{namespace="shop",container="migrate",pod=~${JSON.stringify(pods)}}`,
    );
  });

  test('a dot in the name is escaped for RE2, then the backslash for the PromQL string', () => {
    expect(memorySelector({ namespace: 'shop', owner: { kind: 'StatefulSet', name: 'db.v1' }, container: 'init' })).toBe(
      'container_memory_working_set_bytes{namespace="shop",container="init",pod=~"db\\\\.v1-(0|[1-9][0-9]*)"}',
    );
  });

  test.each([
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['line\nbreak', '"line\\nbreak"'],
    ['"}or vector(1)', '"\\"}or vector(1)"'],
  ])('promqlString(%j) cannot end the literal early', (value, quoted) => {
    expect(promqlString(value)).toBe(quoted);
  });

  test.each([
    ['checkout.v1', 'checkout\\.v1'],
    ['a+b*c?(d)|[e]{f}^$\\', 'a\\+b\\*c\\?\\(d\\)\\|\\[e\\]\\{f\\}\\^\\$\\\\'],
    ['plain-name', 'plain-name'],
  ])('regexLiteral(%j)', (text, escaped) => {
    expect(regexLiteral(text)).toBe(escaped);
  });
});

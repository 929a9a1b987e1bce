import { matchesLabels, parseLabelSelector, type SelectorGrammar } from '../../../src/core/rules/parse-label-selector.js';

const pod = { app: 'checkout', tier: 'web', 'pod-template-hash': '7d9f8b6c4', version: '3' };

function matches(text: string, labels: Record<string, string>, grammar?: SelectorGrammar<never>): boolean {
  const parsed = parseLabelSelector(text, grammar);
  if (!parsed.ok) throw new Error(parsed.problem);
  return matchesLabels(parsed.requirements, labels);
}

describe('the selectors a policy file and the API server both read', () => {
  test.each<[string, Record<string, string>, boolean]>([
    ['', pod, true],
    ['', {}, true],
    ['app=checkout', pod, true],
    ['app==checkout', pod, true],
    ['app==checkout', { app: 'cart' }, false],
    ['app=cart', pod, false],
    ['app!=cart', pod, true],
    ['app!=checkout', {}, true],
    ['missing!=x', pod, true],
    ['app=checkout,tier!=db', pod, true],
    ['app=checkout,tier=db', pod, false],
    ['app in (cart,checkout)', pod, true],
    ['app in (cart, search)', pod, false],
    ['tier in (web, worker)', { tier: 'worker' }, true],
    ['tier notin (db,cache)', pod, true],
    ['tier notin (web)', pod, false],
    ['tier notin (db)', { tier: 'db' }, false],
    ['app', pod, true],
    ['!app', pod, false],
    ['!missing', pod, true],
    ['canary', { canary: '' }, true],
    ['app=', { app: '' }, true],
    ['app=', pod, false],
    ['pod-template-hash=7d9f8b6c4, app in (checkout) , !missing', pod, true],
    ['app.kubernetes.io/name', pod, false],
    ['app.kubernetes.io/part-of=shop,!canary', { 'app.kubernetes.io/part-of': 'shop' }, true],
    ['app.kubernetes.io/part-of=shop,!canary', { 'app.kubernetes.io/part-of': 'shop', canary: 'true' }, false],
  ])('%p on %j: %p', (text, labels, expected) => {
    expect(matches(text, labels)).toBe(expected);
  });

  test.each<[string, string]>([
    ['app in web', '"app in web" is not a requirement such as app=checkout, tier in (web,worker), tier notin (db), canary or !canary'],
    ['app=(x)', '"app=(x)" is not a requirement'],
    ['app in (a', '"app in (a" is not a requirement'],
    ['=x', '"=x" is not a requirement'],
    ['==x', '"==x" is not a requirement'],
    ['app=a b', '"app=a b" is not a requirement'],
    ['a in (b c)', '"a in (b c)" lists an invalid label value "b c"'],
    ['tier in (a,,b)', '"tier in (a,,b)" lists an invalid label value (empty)'],
    ['tier in ()', '"tier in ()" lists an invalid label value (empty)'],
    // A key's prefix is a DNS subdomain: lower case, one slash.
    ['Example.com/app=x', '"Example.com/app=x" is not a requirement'],
    ['a/b/c', '"a/b/c" is not a requirement'],
    ['version>2', '"version>2" is not a requirement'],
  ])('%p is refused: %s', (text, problem) => {
    const parsed = parseLabelSelector(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(problem);
  });
});

describe('what a reader adds to the grammar', () => {
  test.each<[string, Record<string, string>, boolean]>([
    ['tier in (web,)', pod, true],
    ['tier in (web,)', { tier: '' }, true],
    ['tier in (,)', { tier: '' }, true],
    ['tier in ()', { tier: '' }, true],
    ['tier notin (db,)', { tier: '' }, false],
  ])('with empty set values, %p on %j: %p', (text, labels, expected) => {
    expect(matches(text, labels, { emptySetValues: true })).toBe(expected);
  });

  test('an extra requirement is asked only about the parts the grammar does not read, and kept in order', () => {
    const asked: string[] = [];
    const parsed = parseLabelSelector('app=checkout,version>2,!canary', {
      extraRequirement: (part) => {
        asked.push(part);
        return part === 'version>2' ? { key: 'version', above: 2 } : null;
      },
    });
    expect(asked).toEqual(['version>2']);
    expect(parsed).toEqual({
      ok: true,
      requirements: [{ key: 'app', op: 'in', values: ['checkout'] }, { key: 'version', above: 2 }, { key: 'canary', op: 'absent' }],
    });
  });

  test("a part neither reads is refused with the grammar's problem", () => {
    expect(parseLabelSelector('app in web', { extraRequirement: () => null })).toEqual({
      ok: false,
      problem: '"app in web" is not a requirement such as app=checkout, tier in (web,worker), tier notin (db), canary or !canary',
    });
  });
});

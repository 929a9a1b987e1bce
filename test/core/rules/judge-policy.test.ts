import { join } from 'node:path';
import type { PolicyFile } from '../../../src/core/policy/policy-schema.js';
import { fixCountWords, judgePolicy, selectPolicy, type PolicyBound, type PolicyInput } from '../../../src/core/rules/judge-policy.js';
import { packageRoot } from '../../../src/paths.js';
import { loadPolicies, parsePolicies } from '../../../src/runbook/load-policies.js';

const Mi = 1024 ** 2;
const file = (extra = ''): PolicyFile =>
  parsePolicies(
    `apiVersion: oom-check/v1
kind: Policies
deniedNamespaces: [payments]
policies:
  - name: web
    select: { namespaces: [shop], labelSelector: "app=checkout,tier notin (db)" }
    bounds: { maxLimit: 256Mi, maxFactor: 3, maxFixes: 2, window: 24h, cooldown: 30m }
    freezeWindows:
      - { cron: "0 17 * * fri", duration: 63h, reason: weekend }
  - name: everything
    bounds: { maxLimit: 512Mi, maxFactor: 2, maxFixes: 1, window: 6h, cooldown: 1h }
${extra}`,
    'test.yaml',
  );

// A Wednesday at noon: outside the weekend freeze.
const input = (change: Partial<PolicyInput> = {}): PolicyInput => ({
  namespace: 'shop',
  labels: { app: 'checkout', tier: 'web' },
  currentLimitBytes: 64 * Mi,
  newLimitBytes: 176 * Mi,
  now: new Date('2026-11-25T12:00:00Z'),
  automaticFixes: [],
  ...change,
});

describe('selecting a policy', () => {
  test.each<[string, Partial<PolicyInput>, string | null]>([
    ['namespace and labels', {}, 'web'],
    ['a label the selector excludes: the next policy', { labels: { app: 'checkout', tier: 'db' } }, 'everything'],
    ['another namespace: the catch-all', { namespace: 'billing' }, 'everything'],
    ['a denied namespace is still selected (and refused)', { namespace: 'payments' }, 'everything'],
  ])('%s', (_case, change, expected) => {
    const i = input(change);
    expect(selectPolicy(file(), { namespace: i.namespace, labels: i.labels })?.name ?? null).toBe(expected);
  });
});

describe('judging the bounds', () => {
  const web = file().policies[0]!;
  test.each<[string, Partial<PolicyInput>, PolicyBound[]]>([
    ['inside every bound', {}, []],
    ['above the maximum', { currentLimitBytes: 128 * Mi, newLimitBytes: 272 * Mi }, ['maxLimit']],
    ['above the factor', { currentLimitBytes: 48 * Mi }, ['maxFactor']],
    ['no current limit: the factor cannot hold', { currentLimitBytes: null }, ['maxFactor']],
    ['the count used up', { automaticFixes: ['2026-11-25T01:00:00Z', '2026-11-25T06:00:00Z'] }, ['maxFixes']],
    ['a fix older than the window does not count', { automaticFixes: ['2026-11-24T11:59:00Z', '2026-11-25T06:00:00Z'] }, []],
    ['inside the cooldown', { automaticFixes: ['2026-11-25T11:45:00Z'] }, ['cooldown']],
    ['the cooldown just over', { automaticFixes: ['2026-11-25T11:30:00Z'] }, []],
    ['inside the freeze window (Saturday)', { now: new Date('2026-11-28T09:00:00Z') }, ['freezeWindow']],
    ['the freeze just over (Monday 08:00)', { now: new Date('2026-11-30T08:00:00Z') }, []],
    ['a denied namespace', { namespace: 'payments' }, ['deniedNamespace']],
  ])('%s', (_case, change, refusedBy) => {
    const decision = judgePolicy(web, ['payments'], input(change));
    expect(decision.refusedBy).toEqual(refusedBy);
    expect(decision.approve).toBe(refusedBy.length === 0);
    expect(decision.checks.map((check) => check.bound)).toEqual(['deniedNamespace', 'maxLimit', 'maxFactor', 'maxFixes', 'cooldown', 'freezeWindow']);
  });

  test('the row says each bound with its value', () => {
    const decision = judgePolicy(web, ['payments'], input({ automaticFixes: ['2026-11-25T06:00:00Z'] }));
    expect(decision.checks.map((check) => [check.bound, check.value, check.limit, check.detail])).toEqual([
      ['deniedNamespace', 'shop', ['payments'], 'namespace shop is not denied'],
      ['maxLimit', '176Mi', '256Mi', '176Mi <= 256Mi'],
      ['maxFactor', 2.75, 3, '2.75x the current limit <= 3x'],
      ['maxFixes', 1, 2, '1 automatic fix in the last 1d, at most 2'],
      ['cooldown', 21_600, 1800, 'last automatic fix 6h ago, cooldown 30m'],
      ['freezeWindow', null, ['0 17 * * fri for 63h'], 'outside every freeze window'],
    ]);
    expect(fixCountWords(decision)).toBe('2 of 2 today');
  });
});

describe('the policies file', () => {
  test('the example in deploy/policies/ is valid', () => {
    expect(loadPolicies(join(packageRoot, 'deploy', 'policies', 'policies.example.yaml')).policies.map((policy) => policy.name)).toEqual(['shop-init-bumps']);
  });

  test.each<[string, string, string]>([
    ['a bad cron', 'freezeWindows: [{ cron: "0 25 * * *", duration: 1h }]', 'policies[2].freezeWindows[0].cron: the hour field "25" must hold values from 0 to 23'],
    ['a bad duration', 'freezeWindows: [{ cron: "0 1 * * *", duration: forever }]', 'policies[2].freezeWindows[0].duration: must be a duration such as 63h (s, m, h or d)'],
    ['a bad selector', 'select: { labelSelector: "app in web" }', 'policies[2].select.labelSelector: "app in web" is not a requirement'],
  ])('%s is named with its field', (_case, extraField, message) => {
    const third = `  - name: third\n    bounds: { maxLimit: 1Gi, maxFactor: 2, maxFixes: 1, window: 1h, cooldown: 0s }\n    ${extraField}`;
    expect(() => file(third)).toThrow(message);
  });

  test('a missing bound, a duplicate name and a denied namespace selected are all reported at once', () => {
    const bad = `  - name: web\n    select: { namespaces: [payments] }\n    bounds: { maxLimit: 1Gi, maxFactor: 1, maxFixes: 1, window: 1h }`;
    const error = (() => {
      try {
        file(bad);
      } catch (caught) {
        return (caught as Error).message;
      }
      return '';
    })();
    expect(error).toContain('policies file test.yaml is invalid:');
    expect(error).toContain('policies[2].bounds.maxFactor: must be above 1, e.g. 2');
    expect(error).toContain('policies[2].bounds.cooldown: is required');
  });
});

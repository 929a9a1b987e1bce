import { parseFieldSelector } from '../../src/sim/field-selector.js';
import type { KubeObject } from '../../src/sim/k8s-types.js';
import { labelSelectorFromSpec, parseLabelSelector } from '../../src/sim/label-selector.js';

const labels = { app: 'checkout', tier: 'web', 'pod-template-hash': '7d9f8b6c4', version: '3' };

// The grammar both share is tested with the core's parser (test/core/rules/parse-label-selector.test.ts);
// these are what the API server reads beyond it, and how it refuses.
describe('parseLabelSelector', () => {
  test.each<[string, boolean]>([
    ['', true],
    ['app=checkout,tier!=db', true],
    ['version>2', true],
    ['version>3', false],
    ['version<3', false],
    ['version<4', true],
    ['version>-1', true],
    ['app=checkout, version > 2', true],
    ['missing<9', false],
    ['app>0', false],
    ['tier in (web,)', true],
    ['tier in (db,)', false],
  ])('%p matches: %p', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  test('an empty entry in a set is the empty value, as the API server reads it', () => {
    expect(parseLabelSelector('tier in ()')({ tier: '' })).toBe(true);
    expect(parseLabelSelector('tier in (web,)')({ tier: '' })).toBe(true);
  });

  test('no labels at all match only what needs none', () => {
    expect(parseLabelSelector(null)(undefined)).toBe(true);
    expect(parseLabelSelector('!app')(undefined)).toBe(true);
    expect(parseLabelSelector('version<4')(undefined)).toBe(false);
  });

  test.each(['app in (a', '==x', 'app=a b', 'a in (b c)', 'version>x', 'version>=2', 'a/b/c=x'])('%p is a 400', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(expect.objectContaining({ code: 400, message: expect.stringMatching(/^unable to parse requirement: ".*"/) }));
  });

  test('spec selectors compile matchLabels and matchExpressions', () => {
    const match = labelSelectorFromSpec({ matchLabels: { app: 'checkout' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }, { key: 'gone', operator: 'DoesNotExist' }] });
    expect(match(labels)).toBe(true);
    expect(match({ app: 'checkout' })).toBe(false);
  });
});

describe('parseFieldSelector', () => {
  const pod: KubeObject = { kind: 'Pod', metadata: { name: 'p1', namespace: 'shop' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  const event: KubeObject = {
    kind: 'Event',
    metadata: { name: 'p1.1', namespace: 'shop' },
    involvedObject: { kind: 'Pod', name: 'p1', namespace: 'shop', uid: 'u1', fieldPath: 'spec.initContainers{migrate}' },
    reason: 'BackOff',
    type: 'Warning',
    source: { component: 'kubelet' },
  };
  test.each<[string, KubeObject, string, boolean]>([
    ['Pod', pod, 'metadata.name=p1', true],
    ['Pod', pod, 'metadata.name==p1,metadata.namespace=shop', true],
    ['Pod', pod, 'status.phase=Running', true],
    ['Pod', pod, 'status.phase!=Running', false],
    ['Pod', pod, 'spec.nodeName=n1,status.phase=Pending', false],
    ['Event', event, 'involvedObject.name=p1', true],
    ['Event', event, 'involvedObject.kind=Pod,involvedObject.namespace=shop,involvedObject.uid=u1', true],
    ['Event', event, 'involvedObject.fieldPath=spec.initContainers{migrate}', true],
    ['Event', event, 'reason=BackOff,type=Warning,source=kubelet', true],
    ['Event', event, 'involvedObject.name=p2', false],
  ])('%s %p: %p -> %p', (kind, obj, selector, expected) => {
    expect(parseFieldSelector(kind, selector)(obj)).toBe(expected);
  });

  test('escaped commas and equals signs are part of values', () => {
    const odd: KubeObject = { kind: 'Pod', metadata: { name: 'a,b=c' }, status: { phase: 'x' } };
    expect(parseFieldSelector('Pod', 'metadata.name=a\\,b\\=c')(odd)).toBe(true);
  });

  test.each([['Pod', 'spec.containers=x'], ['Event', 'message=x'], ['Pod', 'nonsense']])('%s %p is a 400', (kind, selector) => {
    expect(() => parseFieldSelector(kind, selector)).toThrow(expect.objectContaining({ code: 400 }));
  });
});

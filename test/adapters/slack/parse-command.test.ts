import { parseCommand } from '../../../src/adapters/slack/parse-command.js';

describe('parseCommand', () => {
  test.each([
    ['shop/checkout-7d9f8-abcde', { kind: 'run', namespace: 'shop', pod: 'checkout-7d9f8-abcde' }],
    ['checkout-7d9f8-abcde -n shop', { kind: 'run', namespace: 'shop', pod: 'checkout-7d9f8-abcde' }],
    ['-n shop checkout-1', { kind: 'run', namespace: 'shop', pod: 'checkout-1' }],
    ['checkout-1 --namespace shop', { kind: 'run', namespace: 'shop', pod: 'checkout-1' }],
    ['checkout-1', { kind: 'run', namespace: null, pod: 'checkout-1' }],
    ['  Shop/Checkout  ', { kind: 'run', namespace: 'Shop', pod: 'Checkout' }],
    ['status', { kind: 'status' }],
    ['export 42', { kind: 'export', incidentId: 42 }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
  ])('%p', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  test.each([
    ['export', '`export` takes one incident id'],
    ['export abc', '`export` takes one incident id'],
    ['export 1 2', '`export` takes one incident id'],
    ['checkout -n', '`-n` needs a namespace after it.'],
    ['a b', 'Give one pod at a time.'],
    ['-n shop', 'Give a pod name.'],
    ['shop/checkout -n other', 'not both'],
    ['a/b/c', '`a/b/c` is not `<namespace>/<pod>`.'],
    ['checkout --force', 'Unknown option `--force`.'],
    ['-n a -n b pod', 'Give the namespace once.'],
  ])('%p is invalid: %s, with the usage', (text, problem) => {
    const command = parseCommand(text);
    expect(command.kind).toBe('invalid');
    expect(command.kind === 'invalid' && command.message).toContain(problem);
    expect(command.kind === 'invalid' && command.message).toContain('/oom-check <namespace>/<pod>');
  });
});

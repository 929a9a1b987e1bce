import { parseCommand } from '../../../src/adapters/slack/parse-command.js';

describe('parseCommand', () => {
  test.each([
    ['shop/checkout-7d9f8-abcde', { kind: 'run', cluster: null, namespace: 'shop', pod: 'checkout-7d9f8-abcde' }],
    ['checkout-7d9f8-abcde -n shop', { kind: 'run', cluster: null, namespace: 'shop', pod: 'checkout-7d9f8-abcde' }],
    ['-n shop checkout-1', { kind: 'run', cluster: null, namespace: 'shop', pod: 'checkout-1' }],
    ['checkout-1 --namespace shop', { kind: 'run', cluster: null, namespace: 'shop', pod: 'checkout-1' }],
    ['checkout-1', { kind: 'run', cluster: null, namespace: null, pod: 'checkout-1' }],
    ['  shop/checkout  ', { kind: 'run', cluster: null, namespace: 'shop', pod: 'checkout' }],
    ['shop/checkout.v2-1', { kind: 'run', cluster: null, namespace: 'shop', pod: 'checkout.v2-1' }],
    [`${'n'.repeat(63)}/${'p'.repeat(253)}`, { kind: 'run', cluster: null, namespace: 'n'.repeat(63), pod: 'p'.repeat(253) }],
    ['prod/shop/checkout-1', { kind: 'run', cluster: 'prod', namespace: 'shop', pod: 'checkout-1' }],
    ['shop/checkout-1 --cluster prod', { kind: 'run', cluster: 'prod', namespace: 'shop', pod: 'checkout-1' }],
    ['--cluster gke_acme_europe-west1_prod checkout-1 -n shop', { kind: 'run', cluster: 'gke_acme_europe-west1_prod', namespace: 'shop', pod: 'checkout-1' }],
    ['status', { kind: 'status' }],
    ['export 42', { kind: 'export', incidentId: 42 }],
    ['export 9007199254740991', { kind: 'export', incidentId: 9007199254740991 }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
    ['resolve 42', { kind: 'resolve', incidentId: 42, note: null }],
    ['resolve 42   limit set  in git', { kind: 'resolve', incidentId: 42, note: 'limit set in git' }],
    ['severity 42 P2', { kind: 'severity', incidentId: 42, severity: 'P2' }],
    ['severity 7 p1', { kind: 'severity', incidentId: 7, severity: 'P1' }],
    ['assign 42 <@U012AB3CD>', { kind: 'assign', incidentId: 42, userId: 'U012AB3CD' }],
    ['assign 42 <@U012AB3CD|alice>', { kind: 'assign', incidentId: 42, userId: 'U012AB3CD' }],
    ['assign 42 @W0ENTERPRISE', { kind: 'assign', incidentId: 42, userId: 'W0ENTERPRISE' }],
  ])('%p', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  test.each([
    ['export', '`export` takes one incident id'],
    ['export abc', '`export` takes one incident id'],
    ['export 1 2', '`export` takes one incident id'],
    ['export 9999999999999999', '`export` takes one incident id'],
    ['resolve', '`resolve` takes an incident id'],
    ['resolve abc note', '`resolve` takes an incident id'],
    ['severity 42', '`severity` takes an incident id and P1, P2, P3 or P4'],
    ['severity 42 P5', '`severity` takes an incident id and P1, P2, P3 or P4'],
    ['severity x P1', '`severity` takes an incident id and P1, P2, P3 or P4'],
    ['assign 42 @alice', '`assign` takes an incident id and a person'],
    ['assign 42', '`assign` takes an incident id and a person'],
    ['assign 42 <@U012AB3CD> extra', '`assign` takes an incident id and a person'],
    ['Shop/checkout', '`Shop` is not a namespace name'],
    ['shop/Checkout', '`Checkout` is not a pod name'],
    ['checkout_1', '`checkout_1` is not a pod name'],
    ['pod -n -x', '`-x` is not a namespace name'],
    [`${'n'.repeat(64)}/pod`, `\`${'n'.repeat(60)}…\` is not a namespace name`],
    [`shop/${'p'.repeat(254)}`, `\`${'p'.repeat(60)}…\` is not a pod name`],
    ['a'.repeat(40_000), `\`${'a'.repeat(60)}…\` is not a pod name`],
    ['/checkout', 'Give a namespace before the `/`'],
    ['shop/', 'Give a pod name after the `/`'],
    ['<!channel>', '`<!channel>` is not a pod name'],
    ['checkout -n', '`-n` needs a namespace after it.'],
    ['a b', 'Give one pod at a time.'],
    ['-n shop', 'Give a pod name.'],
    ['shop/checkout -n other', 'not both'],
    ['a/b/c/d', '`a/b/c/d` is not `<namespace>/<pod>` or `<cluster>/<namespace>/<pod>`.'],
    ['/shop/checkout', 'Give a cluster name before the first `/`'],
    ['prod/shop/checkout --cluster prod', 'Give the cluster either as `<cluster>/<namespace>/<pod>` or with `--cluster`, not both.'],
    ['prod/shop/checkout -n shop', 'not both'],
    ['shop/checkout --cluster', '`--cluster` needs a cluster name after it.'],
    ['checkout --cluster a --cluster b', 'Give the cluster once.'],
    [`checkout --cluster ${'c'.repeat(254)}`, 'is not a cluster name: at most 253 characters.'],
    ['checkout --force', 'Unknown option `--force`.'],
    [`-${'x'.repeat(100)}`, `Unknown option \`-${'x'.repeat(59)}…\`.`],
    ['-n a -n b pod', 'Give the namespace once.'],
  ])('%p is invalid: %s, with the usage', (text, problem) => {
    const command = parseCommand(text);
    expect(command.kind).toBe('invalid');
    expect(command.kind === 'invalid' && command.message).toContain(problem);
    expect(command.kind === 'invalid' && command.message).toContain('/oom-check <namespace>/<pod>');
  });
});

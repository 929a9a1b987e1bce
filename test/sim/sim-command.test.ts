import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runSimCommand } from '../../src/sim/sim-command.js';
import { pollUntil } from './helpers/poll.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oom-check-sim-cmd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test.each<[string, string[], RegExp]>([
  ['no scenario', [], /--scenario FILE is required/],
  ['an unknown flag', ['--scenario', 'seed-oom', '--bogus'], /Unknown option '--bogus'/],
  ['a bad port', ['--scenario', 'seed-oom', '--port', 'eighty'], /--port must be a whole number/],
  ['a bad time scale', ['--scenario', 'seed-oom', '--time-scale', '0'], /--time-scale must be a positive number/],
  ['a missing scenario file', ['--scenario', '/nonexistent/x.yaml'], /\/nonexistent\/x\.yaml: cannot read the scenario: no such file/],
])('%s: exit 2 and one line on stderr', async (_name, args, message) => {
  const out = capture();
  const err = capture();
  expect(await runSimCommand(args, out.stream, { err: err.stream })).toBe(2);
  expect(err.text()).toMatch(message);
  expect(err.text().trim().split('\n')).toHaveLength(1);
  expect(out.text()).toBe('');
});

test('an invalid scenario names the file and the field on one line', async () => {
  const file = join(dir, 'bad.yaml');
  const text = 'namespaces: [{ name: shop }]\nworkloads:\n  - kind: Deployment\n    name: x\n    namespace: shop\n    containers: [{ name: a, image: a, peakMemory: 1Mi, limits: { memory: 64MB } }]\n';
  await writeFile(file, text);
  const err = capture();
  expect(await runSimCommand(['--scenario', file], capture().stream, { err: err.stream })).toBe(2);
  expect(err.text()).toBe(`oom-check sim: ${file}: workloads[0].containers[0].limits.memory: "64MB" is not a Kubernetes quantity: write a number with an optional suffix, e.g. 128Mi, 1Gi or 500M\n`);

  await writeFile(file, `${text}    replicas: -1\n`);
  const two = capture();
  expect(await runSimCommand(['--scenario', file], capture().stream, { err: two.stream })).toBe(2);
  expect(two.text()).toMatch(/^oom-check sim: .*bad\.yaml: workloads\[0\]\.\S+: .* \(and 1 more problem\)\n$/);
});

test('--help prints the usage and exits 0', async () => {
  const out = capture();
  expect(await runSimCommand(['--help'], out.stream)).toBe(0);
  expect(out.text()).toContain('Usage: oom-check sim --scenario FILE');
});

test('runs until stopped: prints the URL and kubeconfig path, serves the API, logs pod status, exits 0', async () => {
  const kubeconfig = join(dir, 'kc.yaml');
  const out = capture();
  const stop = new AbortController();
  const running = runSimCommand(['--scenario', 'seed-oom', '--kubeconfig', kubeconfig, '--time-scale', '0.001'], out.stream, { signal: stop.signal });
  const url = await pollUntil(async () => /API server: (http:\/\/127\.0\.0\.1:\d+)/.exec(out.text())?.[1], 'the server URL');
  expect(out.text()).toContain(`kubeconfig: ${kubeconfig}`);
  const config = await readFile(kubeconfig, 'utf8');
  expect(config).toContain(`server: ${url}`);
  expect(config).toContain('current-context: oom-check-sim');
  const version = (await (await fetch(`${url}/version`)).json()) as { minor: string };
  expect(version.minor).toBe('32');
  await pollUntil(async () => (/pod shop\/checkout-\S+ Init:(OOMKilled|CrashLoopBackOff)/.test(out.text()) ? true : undefined), 'a pod status line');
  stop.abort();
  expect(await running).toBe(0);
  expect(out.text()).toMatch(/stopped \(abort\)\n$/);
  expect(existsSync(kubeconfig)).toBe(true);
});

test('a port in use is exit 1 with a hint', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const err = capture();
  try {
    expect(await runSimCommand(['--scenario', 'healthy', '--port', String(port)], capture().stream, { err: err.stream })).toBe(1);
    expect(err.text()).toBe(`oom-check sim: cannot start: port ${port} is already in use; pick another with --port\n`);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

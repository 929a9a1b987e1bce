import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { cronLocalTime } from '../scripts/cron-local-time.js';
import { packageRoot } from '../src/paths.js';

/** Times around DST changes (Paris, New York, Lord Howe's half hour), a plain day, and a month's end. */
const BASES = ['2026-03-29T00:50:00Z', '2026-10-25T00:50:00Z', '2026-03-08T06:50:00Z', '2026-11-01T05:50:00Z', '2026-04-04T14:50:00Z', '2026-06-15T12:00:00Z', '2026-02-27T23:59:30Z'];
const EXPRESSIONS = ['* * * * *', '*/7 * * * *', '30 2 * * *', '0 3 * * *', '0 */2 * * *', '0 0 L * *', '0 9 * * 1-5', '15 3 * * 0#2', '*/20 * * * * *'];
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'];

/**
 * Run in a process whose TZ is the zone under test: the next 12 times of each expression from
 * each base, by node-cron as published (Intl), then by the patched node-cron with Intl.DateTimeFormat
 * made to throw, so the patched path cannot lean on it.
 */
const DRIVER = `
const [original, patched] = await Promise.all(process.argv.slice(1, 3).map((file) => import(file)));
const bases = ${JSON.stringify(BASES)};
const expressions = ${JSON.stringify(EXPRESSIONS)};
const times = ({ TimeMatcher }) => expressions.flatMap((expression) => bases.map((base) => {
  const matcher = new TimeMatcher(expression);
  const found = [];
  for (let at = new Date(base); found.length < 12; ) found.push((at = matcher.getNextMatch(at)).toISOString());
  return { expression, base, found, firstMatches: matcher.match(new Date(found[0])) };
}));
const before = times(original);
Intl.DateTimeFormat = function () { throw new Error('Intl.DateTimeFormat used'); };
process.stdout.write(JSON.stringify({ before, after: times(patched) }));
`;

describe('cron-local-time: node-cron without Intl for jobs without a time zone (bundle only)', () => {
  let dir: string;
  const bundles: Record<'original' | 'patched', string> = { original: '', patched: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-cron-local-time-'));
    const shared = join(packageRoot, 'node_modules', 'node-cron', 'dist', '_shared.js');
    const bundle = async (name: keyof typeof bundles, plugins: Plugin[]) => {
      bundles[name] = join(dir, `${name}.mjs`);
      await build({ stdin: { contents: `export { T as TimeMatcher } from ${JSON.stringify(shared)};`, resolveDir: packageRoot }, outfile: bundles[name], bundle: true, format: 'esm', platform: 'node', plugins, logLevel: 'error' });
    };
    await bundle('original', []);
    await bundle('patched', [cronLocalTime()]);
  });

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  test.each(ZONES)('TZ=%s: the same times as node-cron with Intl, DST changes included', async (zone) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', DRIVER, pathToFileURL(bundles.original).href, pathToFileURL(bundles.patched).href], { env: { PATH: process.env.PATH, TZ: zone } });
    const { before, after } = JSON.parse(stdout) as { before: unknown[]; after: unknown[] };
    expect(before).toHaveLength(EXPRESSIONS.length * BASES.length);
    expect(after).toEqual(before);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { latin1Sources } from '../scripts/latin1-sources.js';

describe('latin1-sources: the bundle keeps only Latin-1 text, which V8 stores at one byte a character', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-latin1-'));
    mkdirSync(join(dir, 'src'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const bundle = (source: string) => {
    writeFileSync(join(dir, 'src', 'texts.ts'), source);
    return build({ entryPoints: [join(dir, 'src', 'texts.ts')], outfile: join(dir, 'out.mjs'), bundle: true, format: 'esm', platform: 'node', plugins: [latin1Sources()], logLevel: 'silent' });
  };

  test('tagged templates, strings and regular expressions keep their values', async () => {
    await bundle(
      [
        'const tag = (strings: TemplateStringsArray, ...values: unknown[]) => strings.map((text, i) => text + (values[i] ?? "")).join("");',
        'export const card = tag`Now: ${"checking"}… • 🟡 · done`;',
        "export const plain = 'a — b';",
        'export const matches = /^…$/.test("…");',
      ].join('\n'),
    );
    const output = readFileSync(join(dir, 'out.mjs'), 'utf8');
    expect(/[^\x00-\xff]/.test(output)).toBe(false);
    const texts = (await import(pathToFileURL(join(dir, 'out.mjs')).href)) as Record<string, unknown>;
    expect(texts).toMatchObject({ card: 'Now: checking… • 🟡 · done', plain: 'a — b', matches: true });
  });

  test("a file reading a template's raw text fails the build rather than changing it", async () => {
    await expect(bundle('export const raw = String.raw`…`;')).rejects.toThrow(/reads a template's \.raw/);
  });
});

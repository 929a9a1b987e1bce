/**
 * Builds the artifact the container image carries, laid out as the image's /app:
 *
 *   package.json                  name, version (--version) and "type": "module"; no dependencies
 *   bundle/oom-check.js           the command line, bundled by esbuild (ESM, code splitting, minified)
 *   bundle/chunks/*.js            one chunk per command (run-cli.ts imports them lazily) + shared ones
 *   bundle/*.js.map, chunks too   source maps without sources: NODE_OPTIONS=--enable-source-maps
 *                                 turns a trace into src/ file names and lines
 *   node_modules/better-sqlite3/  the SQLite addon: package.json, lib/, build/Release/better_sqlite3.node
 *   node_modules/bindings/, node_modules/file-uri-to-path/   what its lib/ requires to find the addon
 *   migrations/ runbooks/ scenarios/   the data files src/paths.ts resolves next to package.json
 *   THIRD-PARTY-NOTICES.txt      licences of the packages inside the bundle
 *
 * Run: npm run bundle [-- --out DIR]   (default dist/artifact). The Dockerfile copies DIR as /app.
 *
 * Minified because the bot parses less: the serve path's JavaScript goes from ~9.5 to ~4 MB and
 * idle RSS drops by ~10 MB; names survive in the source maps. Bolt's unused receivers are
 * deferred by defer-bolt-receivers.ts; node-cron reads local time without Intl (cron-local-time.ts);
 * node-fetch uses Node's URL, not whatwg-url (node-fetch-own-url.ts); the chunks are Latin-1 text,
 * which V8 stores at one byte a character (latin1-sources.ts).
 * `minify: false`, `deferReceivers: false` and `cronLocalTime: false` exist to measure what each
 * is worth, not for the image.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { cronLocalTime } from './cron-local-time.js';
import { deferBoltReceivers } from './defer-bolt-receivers.js';
import { latin1Sources } from './latin1-sources.js';
import { nodeFetchOwnUrl } from './node-fetch-own-url.js';

/** What an artifact folder holds; nothing else may be in a folder the script replaces. */
export const ARTIFACT_ENTRIES = ['package.json', 'bundle', 'node_modules', 'migrations', 'runbooks', 'scenarios', 'THIRD-PARTY-NOTICES.txt'] as const;
export const DATA_FOLDERS = ['migrations', 'runbooks', 'scenarios'] as const;
export const ENTRY = 'bundle/oom-check.js';

/**
 * Native addons cannot be bundled: better-sqlite3 stays an external import, resolved at run time
 * from node_modules/, where only what it loads is copied. Its lib/ requires `bindings` (which
 * requires `file-uri-to-path`) to find build/Release/better_sqlite3.node; `prebuild-install`,
 * its other dependency, only runs at install time.
 */
const ADDON_FILES: Record<string, readonly string[]> = {
  'better-sqlite3': ['package.json', 'LICENSE', 'lib', 'build/Release/better_sqlite3.node'],
  bindings: ['package.json', 'LICENSE.md', 'bindings.js'],
  'file-uri-to-path': ['package.json', 'LICENSE', 'index.js'],
  // resvg (the postmortem chart as PNG): its loader requires the platform's package, which npm
  // installed as an optional dependency; only that one is shipped (see resvgPlatformFiles).
  '@resvg/resvg-js': ['package.json', 'LICENSE', 'index.js', 'js-binding.js'],
};

/** The one @resvg/resvg-js-<platform> package npm installed here (e.g. linux-x64-gnu), with its addon. */
function resvgPlatformFiles(root: string): Record<string, readonly string[]> {
  const scope = join(root, 'node_modules', '@resvg');
  const found: Record<string, string[]> = {};
  for (const name of readdirSync(scope).filter((entry) => entry.startsWith('resvg-js-'))) {
    found[`@resvg/${name}`] = ['package.json', ...readdirSync(join(scope, name)).filter((file) => file.endsWith('.node'))];
  }
  return found;
}

/**
 * Prepended to every output file. Bundled CommonJS (Bolt, and dependencies of everything) calls
 * `require` for Node built-ins and reads `__dirname`/`__filename`, none of which exist in an ES
 * module: they are defined per file from its own import.meta.url. The imports are renamed so they
 * cannot clash with a bundled module's own top-level names.
 */
const BANNER = [
  "import { createRequire as __oomCheckCreateRequire } from 'node:module';",
  "import { fileURLToPath as __oomCheckFileURLToPath } from 'node:url';",
  "import { dirname as __oomCheckDirname } from 'node:path';",
  'const require = __oomCheckCreateRequire(import.meta.url);',
  'const __filename = __oomCheckFileURLToPath(import.meta.url);',
  'const __dirname = __oomCheckDirname(__filename);',
].join('\n');

export interface ArtifactSummary {
  outDir: string;
  /** Bytes of every file in the artifact, and of the bundle's JavaScript alone. */
  bytes: number;
  bundleBytes: number;
  /** Output files of esbuild, relative to outDir. */
  chunks: string[];
}

/** The package folder (`@scope/name` or `name`) of a path inside node_modules/, or null for the project's own files. */
function packageOf(input: string): string | null {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return null;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return input.slice(0, at + 'node_modules/'.length) + (parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
}

function folderBytes(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, entry) => sum + folderBytes(join(path, entry)), 0);
}

/** Empties outDir for a new artifact, refusing a folder that holds anything an artifact does not. */
function prepare(outDir: string): void {
  if (existsSync(outDir)) {
    const foreign = readdirSync(outDir).filter((entry) => !(ARTIFACT_ENTRIES as readonly string[]).includes(entry));
    if (foreign.length > 0) throw new Error(`${outDir} holds ${foreign.join(', ')}: not an artifact folder; give an empty or new folder with --out`);
    for (const entry of ARTIFACT_ENTRIES) rmSync(join(outDir, entry), { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

function notices(root: string, packages: Iterable<string>): string {
  const sections = [...new Set(packages)].sort().map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const file = readdirSync(join(root, dir)).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = file ? readFileSync(join(root, dir, file), 'utf8').trim() : `(no licence file; package.json says: ${manifest.license ?? 'nothing'})`;
    return `${manifest.name}@${manifest.version} (${manifest.license ?? 'unknown'})\n\n${text}\n`;
  });
  return `oom-check bundles or ships the following packages.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`;
}

/** Builds the artifact into outDir (see the top of this file). `root` is the checkout. */
export async function bundleArtifact(options: { outDir: string; root?: string; minify?: boolean; deferReceivers?: boolean; cronLocalTime?: boolean }): Promise<ArtifactSummary> {
  const root = options.root ?? resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const outDir = resolve(options.outDir);
  prepare(outDir);
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'oom-check': 'src/cli/main.ts' },
    outdir: join(outDir, 'bundle'),
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: Object.keys(ADDON_FILES),
    banner: { js: BANNER },
    plugins: [...(options.deferReceivers === false ? [] : [deferBoltReceivers()]), ...(options.cronLocalTime === false ? [] : [cronLocalTime()]), nodeFetchOwnUrl(), latin1Sources()],
    minify: options.minify ?? true,
    // Nothing reads the maps unless NODE_OPTIONS=--enable-source-maps is set.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });

  const requireFromRoot = createRequire(join(root, 'package.json'));
  const shipped: string[] = [];
  for (const [name, files] of Object.entries({ ...ADDON_FILES, ...resvgPlatformFiles(root) })) {
    const from = dirname(requireFromRoot.resolve(`${name}/package.json`));
    for (const file of files) cpSync(join(from, file), join(outDir, 'node_modules', name, file), { recursive: true });
    shipped.push(relative(root, from));
  }
  for (const folder of DATA_FOLDERS) cpSync(join(root, folder), join(outDir, folder), { recursive: true });

  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const runtimeManifest = {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    private: true,
    type: 'module',
    engines: manifest.engines,
    bin: { 'oom-check': ENTRY },
  };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(runtimeManifest, null, 2)}\n`);

  const bundled = Object.keys(result.metafile.inputs).map(packageOf).filter((dir): dir is string => dir !== null);
  writeFileSync(join(outDir, 'THIRD-PARTY-NOTICES.txt'), notices(root, [...bundled, ...shipped]));

  const chunks = Object.keys(result.metafile.outputs).map((file) => relative(outDir, resolve(root, file)).split(sep).join('/'));
  return { outDir, bytes: folderBytes(outDir), bundleBytes: folderBytes(join(outDir, 'bundle')), chunks };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--out');
  const outDir = at > 0 ? process.argv[at + 1] : 'dist/artifact';
  if (!outDir) throw new Error('--out needs a folder');
  const summary = await bundleArtifact({ outDir });
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`artifact in ${relative(process.cwd(), summary.outDir) || '.'}: ${mb(summary.bytes)} (bundle ${mb(summary.bundleBytes)} in ${summary.chunks.length} files); run: node ${join(relative(process.cwd(), summary.outDir), ENTRY)} --help`);
}

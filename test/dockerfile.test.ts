import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACT_ENTRIES, DATA_FOLDERS, ENTRY } from '../scripts/bundle.js';
import { packageRoot } from '../src/paths.js';
import { entrypoint, parseDockerfile, stageEnv, stages, type Instruction } from './support/parse-dockerfile.js';

describe('Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(join(packageRoot, 'Dockerfile'), 'utf8'));
  const [build = [], runtime = []] = stages(instructions);
  const args = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).map((i) => i.args);
  const bundleRun = args(build, 'RUN').find((run) => /npm run bundle/.test(run)) ?? '';
  const artifactDir = /--out\s+(\S+)/.exec(bundleRun)?.[1];

  test('has a named build stage and a runtime stage on Node 20', () => {
    expect(stages(instructions)).toHaveLength(2);
    expect(build[0]?.args).toMatch(/^node:20[-\w.]* AS build$/i);
    expect(runtime[0]?.args).toMatch(/^node:20[-\w.]* AS runtime$/i);
  });

  test('the build stage compiles the native addon, then bundles the bot with what the bundle reads', () => {
    const runs = args(build, 'RUN');
    expect(runs.join('\n')).toMatch(/python3 make g\+\+/);
    const ci = runs.findIndex((run) => /npm ci/.test(run));
    const bundle = runs.indexOf(bundleRun);
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(bundle).toBeGreaterThan(ci);
    expect(artifactDir).toMatch(/^\//);
    // scripts/bundle.ts reads these from the checkout: each is copied in before the bundle runs.
    const copiedBefore = build.slice(0, build.findIndex((i) => i.args === bundleRun)).filter((i) => i.keyword === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'src', ...DATA_FOLDERS]) expect([needed, copiedBefore.includes(needed)]).toEqual([needed, true]);
  });

  test('the runtime stage takes only the artifact from the build stage, as /app', () => {
    expect(args(runtime, 'WORKDIR').at(-1)).toBe('/app');
    const copies = args(runtime, 'COPY');
    expect(copies).toEqual([`--from=build ${artifactDir} ./`]);
    expect(args(runtime, 'RUN').join('\n')).not.toMatch(/npm|tsc|tsx|esbuild/);
    // What the artifact holds is checked by test/bundle-artifact.test.ts; nothing else goes in.
    expect(ARTIFACT_ENTRIES).toEqual(expect.arrayContaining(['bundle', 'node_modules', 'package.json', ...DATA_FOLDERS]));
  });

  test('the runtime stage installs the font the PNG chart names (DejaVu Sans), and cleans apt\'s lists in the same layer', () => {
    const runs = args(runtime, 'RUN');
    const fonts = runs.find((run) => /apt-get install\b.*\bfonts-dejavu-core\b/s.test(run));
    expect(fonts).toBeDefined();
    expect(fonts).toMatch(/--no-install-recommends/);
    expect(fonts).toMatch(/apt-get update[\s\S]*apt-get install[\s\S]*rm -rf \/var\/lib\/apt\/lists\/\*/);
    expect(readFileSync(join(packageRoot, 'src', 'adapters', 'render', 'svg-to-png.ts'), 'utf8')).toContain("defaultFontFamily: 'DejaVu Sans'");
  });

  test('runs the bundle with node as a non-root user, with /data as a volume for the database', () => {
    const user = args(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(args(runtime, 'VOLUME').join(' ')).toContain('/data');
    expect(stageEnv(runtime)).toMatchObject({ OOM_CHECK_DB_PATH: '/data/oom-check.db', NODE_ENV: 'production' });
    const argv = entrypoint(runtime);
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toBe(ENTRY);
    expect(argv.slice(1, -1).every((flag) => flag.startsWith('--'))).toBe(true);
    expect(args(runtime, 'CMD')).toEqual(['["serve"]']);
  });

  test('every file it copies from the context exists and is not excluded by .dockerignore', () => {
    const ignored = readFileSync(join(packageRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist', 'data', '*.db']));
    const sources = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect([source, existsSync(join(packageRoot, source))]).toEqual([source, true]);
      expect(ignored).not.toContain(source);
    }
  });
});

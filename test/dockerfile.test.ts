import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(instructions: Instruction[]): Instruction[][] {
  return instructions.reduce<Instruction[][]>((all, instruction) => {
    if (instruction.keyword === 'FROM') all.push([]);
    all.at(-1)?.push(instruction);
    return all;
  }, []);
}

describe('Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(join(packageRoot, 'Dockerfile'), 'utf8'));
  const [build = [], runtime = []] = stages(instructions);
  const args = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).map((i) => i.args);

  test('has a named build stage and a runtime stage on Node 20', () => {
    expect(stages(instructions)).toHaveLength(2);
    expect(build[0]?.args).toMatch(/^node:20[-\w.]* AS build$/i);
    expect(runtime[0]?.args).toMatch(/^node:20[-\w.]* AS runtime$/i);
  });

  test('the build stage compiles TypeScript and the native addon, then prunes dev dependencies', () => {
    const runs = args(build, 'RUN').join('\n');
    expect(runs).toMatch(/python3 make g\+\+/);
    expect(runs).toMatch(/npm ci/);
    expect(runs).toMatch(/npm run build/);
    expect(runs).toMatch(/npm prune --omit=dev/);
  });

  test('the runtime stage takes compiled code and production node_modules from the build stage', () => {
    const copies = args(runtime, 'COPY');
    expect(copies).toContain('--from=build /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(args(runtime, 'RUN').join('\n')).not.toMatch(/npm (ci|install)|tsc/);
    expect(copies.some((copy) => / \.\s*$|src/.test(copy) && !copy.startsWith('--from'))).toBe(false);
  });

  test('runs as a non-root user with /data as a volume for the database', () => {
    const user = args(runtime, 'USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(args(runtime, 'VOLUME').join(' ')).toContain('/data');
    expect(args(runtime, 'ENV').join(' ')).toContain('OOM_CHECK_DB_PATH=/data/oom-check.db');
    expect(args(runtime, 'ENTRYPOINT')[0]).toBe('["node", "dist/src/cli/main.js"]');
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

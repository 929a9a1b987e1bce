import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../src/paths.js';

/**
 * Compares `actual` with a committed file under test/fixtures. `UPDATE_GOLDEN=1 npm test` rewrites
 * the files (never in CI); review the diff before committing them.
 */
export function expectGolden(relativePath: string, actual: string): void {
  const file = join(packageRoot, 'test', 'fixtures', relativePath);
  if (process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file test/fixtures/${relativePath} is missing: run UPDATE_GOLDEN=1 npm test`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

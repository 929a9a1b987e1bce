import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, found from this file whether it runs from `src/` or `dist/src/`. */
function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`oom-check: no package.json above ${start}; the install is incomplete`);
    dir = parent;
  }
  return dir;
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const migrationsDir = join(packageRoot, 'migrations');
export const runbooksDir = join(packageRoot, 'runbooks');
export const scenariosDir = join(packageRoot, 'scenarios');

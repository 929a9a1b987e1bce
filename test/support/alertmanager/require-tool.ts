import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The absolute path of a command-line tool the tests run: `command` itself when absolute, else the
 * first match on PATH. Throws, naming the Debian package to install, when it is missing: CI installs
 * these packages, so a missing tool is a failure, never a silent skip.
 */
export function requireTool(command: string, debianPackage: string): string {
  const candidates = isAbsolute(command)
    ? [command]
    : (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!['ENOENT', 'EACCES', 'ENOTDIR'].includes(code)) throw error;
    }
  }
  throw new Error(
    `${command} is missing: install the Debian package ${debianPackage} ` +
      `(apt-get update && apt-get install -y --no-install-recommends ${debianPackage})`,
  );
}

import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toStorageError } from '../adapters/fs/to-storage-error.js';
import { ErrorCode, OomCheckError } from '../core/errors.js';

/** Written first into every folder the demo uses: only a folder holding it is the demo's to clear. */
export const DEMO_MARKER = '.oom-check-demo';

/** The files a demo run leaves; a previous run's are removed so each run starts from incident 1. */
const DEMO_FILE = /^(oom-check\.db(-wal|-shm|-journal)?|postmortem-incident-\d+\.md)$/;

/**
 * Makes `dir` ready for a demo run. A new or empty folder is taken and marked; a folder with the
 * marker loses the files an earlier demo wrote (and only those: nothing else is deleted, even
 * there). Anything else is refused: `--out .` once emptied the working folder.
 */
export function prepareDemoFolder(dir: string): void {
  try {
    const stats = statSync(dir, { throwIfNoEntry: false });
    if (stats && !stats.isDirectory()) {
      throw new OomCheckError(ErrorCode.OutputRefused, `oom-check demo: --out ${dir} is a file, not a folder: give a new or empty folder`);
    }
    const entries = stats ? readdirSync(dir) : [];
    if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
      throw new OomCheckError(
        ErrorCode.OutputRefused,
        `oom-check demo: ${dir} already holds files the demo did not make (there is no ${DEMO_MARKER} in it), and the demo would delete them: ` +
          `give --out a new or empty folder, or empty ${dir} yourself`,
      );
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, DEMO_MARKER), 'Made by "oom-check demo": its next run with --out here replaces the demo files in this folder.\n');
    for (const entry of entries.filter((name) => DEMO_FILE.test(name))) rmSync(join(dir, entry), { force: true });
  } catch (error) {
    throw toStorageError(error, { role: 'output', path: dir });
  }
}

import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCode, OomCheckError } from '../core/errors.js';

/** The files SQLite keeps for a database: overwriting any of them loses or corrupts data. */
const SIBLINGS = ['', '-wal', '-shm', '-journal'];

/** `path` with every symlink resolved, also when its last parts do not exist yet. */
function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(canonical(parent), basename(absolute));
  }
}

/** Device and inode, so a hard link is recognised; null when nothing is there to compare. */
function identity(path: string): string | null {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats ? `${stats.dev}:${stats.ino}` : null;
  } catch {
    // Under a file or unreadable: nothing there can be the database; the write reports the problem.
    return null;
  }
}

/**
 * Refuses an output path that is the database or one of its -wal/-shm/-journal files, however
 * it is spelled: `..`, a symlink (of the file or a folder on the way), or a hard link.
 */
export function assertNotDatabase(out: string, dbPath: string, hint: string): void {
  const guarded = SIBLINGS.flatMap((suffix) => [`${dbPath}${suffix}`, `${canonical(dbPath)}${suffix}`]);
  const outCanonical = canonical(out);
  const outIdentity = identity(out);
  const clash = guarded.some((path) => canonical(path) === outCanonical || (outIdentity !== null && identity(path) === outIdentity));
  if (clash) {
    throw new OomCheckError(
      ErrorCode.OutputRefused,
      `oom-check export: --out ${out} is the database ${dbPath} or one of its -wal/-shm files, and writing there would destroy it: choose another file, e.g. ${hint}`,
    );
  }
}

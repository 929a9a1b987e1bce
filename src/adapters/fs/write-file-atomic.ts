import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { toStorageError } from './to-storage-error.js';

function existing(path: string): Stats | null {
  return statSync(path, { throwIfNoEntry: false }) ?? null;
}

/**
 * Writes `content` to `path` so that a reader sees the old file or the new one, never a part:
 * a temporary file in the same folder (same file system, so rename is atomic), synced, then
 * renamed over the target. Missing folders are created. A symlink is written through to its
 * file, whose mode is kept. A device or pipe (`/dev/stdout`, `/dev/full`) is written directly:
 * it cannot be replaced, and renaming over it would swap a device node for a file.
 * Failures come out as toStorageError's one sentence about `path`.
 */
export function writeFileAtomic(path: string, content: string): void {
  let temporary: string | null = null;
  try {
    const before = existing(path);
    if (before && !before.isFile() && !before.isDirectory()) {
      writeFileSync(path, content);
      return;
    }
    // A directory falls through: rename onto it fails with EISDIR, which names the mistake.
    const target = before?.isFile() ? realpathSync(path) : path;
    mkdirSync(dirname(target), { recursive: true });
    temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(temporary, 'wx', 0o666);
    try {
      if (before?.isFile()) fchmodSync(fd, before.mode & 0o7777);
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    temporary = null;
    syncFolder(dirname(target));
  } catch (error) {
    throw toStorageError(error, { role: 'output', path });
  } finally {
    if (temporary) rmSync(temporary, { force: true });
  }
}

/** Makes the rename itself durable: without it a crash can bring back the old file. */
function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

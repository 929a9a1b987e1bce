import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, isOomCheckError, OomCheckError } from '../../core/errors.js';

/** The path a failed operation was about, and what that path is to oom-check. */
export interface StorageTarget {
  /** `database`: the SQLite file (OOM_CHECK_DB_PATH, or the demo's); `output`: a file asked for (`--out`, the demo's folder). */
  role: 'database' | 'output';
  path: string;
}

/** SQLite primary codes that describe the file or the disk rather than oom-check's SQL. */
const SQLITE_STORAGE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** better-sqlite3 reports extended codes (SQLITE_IOERR_READ); the primary code is their first two words. */
function sqlitePrimary(code: string): string {
  return code.split('_').slice(0, 2).join('_');
}

/** An errno from node:fs (ENOENT, EACCES...): these carry a syscall, unlike Node's own ERR_* codes. */
function isErrno(error: unknown, code: string): boolean {
  return /^E[A-Z0-9]+$/.test(code) && typeof (error as { syscall?: unknown }).syscall === 'string';
}

/** True when `error` is about the file system or the database file, not a bug in oom-check. */
export function isStorageFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return SQLITE_STORAGE.has(sqlitePrimary(code)) || isErrno(error, code);
}

/** For diagnosis only: what is at `path`, or why nothing can be seen there (ENOENT, ENOTDIR, EACCES...). */
function look(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (error) {
    return codeOf(error) ?? 'unknown';
  }
}

function isFolder(path: string): boolean {
  const seen = look(path);
  return typeof seen !== 'string' && seen.isDirectory();
}

/** The nearest ancestor of `path` that exists, and whether it is a folder: a file there explains ENOTDIR, EEXIST, CANTOPEN. */
function nearestAncestor(path: string): { path: string; folder: boolean } | null {
  for (let current = dirname(path); ; current = dirname(current)) {
    const seen = look(current);
    if (typeof seen !== 'string') return { path: current, folder: seen.isDirectory() };
    if (seen !== 'ENOENT' && seen !== 'ENOTDIR') return null;
    if (dirname(current) === current) return null;
  }
}

/** access(2) answers "no" by throwing; here that answer is the information wanted. */
function mayAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function databaseError(error: unknown, code: string, path: string): OomCheckError {
  const primary = sqlitePrimary(code);
  const detail = (error as Error).message;
  const fail = (errorCode: ErrorCode, message: string) => new OomCheckError(errorCode, `oom-check: ${message}`, { cause: error });
  const readOnly = () => fail(ErrorCode.DatabaseReadOnly, `the database ${path} is read-only for this user: run oom-check as the user that owns it, or make the file and its folder writable (oom-check export can still read it)`);
  if (isFolder(path)) return fail(ErrorCode.DatabaseUnusable, `the database path ${path} is a folder, not a file: set OOM_CHECK_DB_PATH to a file such as ${join(path, 'oom-check.db')}`);
  const ancestor = nearestAncestor(path);
  if (ancestor && !ancestor.folder) {
    return fail(ErrorCode.DatabaseUnusable, `the database ${path} cannot be opened: ${ancestor.path} is a file, not a folder; set OOM_CHECK_DB_PATH to a path under a folder`);
  }
  if (code === 'ENOENT') return fail(ErrorCode.DatabaseNotFound, `no database at ${path}: set OOM_CHECK_DB_PATH to the bot's database, or run oom-check migrate to create one`);
  if (primary === 'SQLITE_NOTADB') {
    return fail(ErrorCode.DatabaseUnusable, `${path} is not an SQLite database: set OOM_CHECK_DB_PATH to oom-check's database, or move this file away and run oom-check migrate to start a new one`);
  }
  if (primary === 'SQLITE_CORRUPT') {
    return fail(ErrorCode.DatabaseUnusable, `the database ${path} is damaged (SQLite: ${detail}): restore it from a backup, or move it away and run oom-check migrate to start a new one`);
  }
  if (primary === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return fail(ErrorCode.StorageFull, `the disk holding the database ${path} is full: free space, then run the command again`);
  if (primary === 'SQLITE_BUSY' || primary === 'SQLITE_LOCKED') {
    return fail(ErrorCode.DatabaseBusy, `the database ${path} stayed locked by another process for 5 s: run the command again when that process is done`);
  }
  if (primary === 'SQLITE_READONLY' || primary === 'SQLITE_PERM' || code === 'EROFS') return readOnly();
  if (primary === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EPERM') {
    // SQLite says only "unable to open": the modes say whether the file is unreadable, or the file
    // or its folder (where the -wal and -shm files go) is not writable.
    const exists = mayAccess(path, constants.F_OK);
    if (exists && !mayAccess(path, constants.R_OK)) {
      return fail(ErrorCode.DatabaseUnusable, `this user may not read the database ${path}: run oom-check as the user that owns it, or let this user read it`);
    }
    if ((exists && !mayAccess(path, constants.W_OK)) || (ancestor && !mayAccess(ancestor.path, constants.W_OK))) return readOnly();
    return fail(ErrorCode.DatabaseUnusable, `the database ${path} cannot be opened (${detail}): check that its folder exists and that this user may read and write both`);
  }
  if (primary === 'SQLITE_IOERR' || code === 'EIO') {
    return fail(ErrorCode.DatabaseUnusable, `reading or writing the database ${path} failed with an I/O error (${code}): check the disk and the file, then run the command again`);
  }
  return fail(ErrorCode.DatabaseUnusable, `the database ${path} cannot be used (${detail}): check the path and its permissions, then run the command again`);
}

function outputError(error: unknown, code: string, path: string): OomCheckError {
  const fail = (errorCode: ErrorCode, problem: string) => new OomCheckError(errorCode, `oom-check: cannot write ${path}: ${problem}`, { cause: error });
  if (code === 'EISDIR' || isFolder(path)) return fail(ErrorCode.OutputUnwritable, `it is a folder; give a file path instead, e.g. ${join(path, 'postmortem.md')}`);
  const ancestor = nearestAncestor(path);
  if (ancestor && !ancestor.folder) return fail(ErrorCode.OutputUnwritable, `${ancestor.path} is a file, not a folder; choose a path under a folder`);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return fail(ErrorCode.StorageFull, 'no space left on its device; free space or choose another path');
  if (code === 'EACCES' || code === 'EPERM') return fail(ErrorCode.OutputUnwritable, 'permission denied; choose a folder this user may write, or change its permissions');
  if (code === 'EROFS') return fail(ErrorCode.OutputUnwritable, 'it is on a read-only file system; choose a path on a writable one');
  if (code === 'EIO') return fail(ErrorCode.OutputUnwritable, 'an I/O error; check the disk, then run the command again');
  return fail(ErrorCode.OutputUnwritable, `${(error as Error).message}; check the path, then run the command again`);
}

/**
 * A file-system or SQLite failure about `target`, as an OomCheckError whose one sentence says
 * what is wrong with which path and what to do. Called where oom-check opens or writes a file;
 * anything else (an OomCheckError already, or a bug) comes back unchanged, so bugs keep their stack.
 */
export function toStorageError(error: unknown, target: StorageTarget): unknown {
  if (isOomCheckError(error) || !isStorageFailure(error)) return error;
  const code = codeOf(error)!;
  return target.role === 'database' ? databaseError(error, code, target.path) : outputError(error, code, target.path);
}

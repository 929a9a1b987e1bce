import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { toStorageError } from '../../src/adapters/fs/to-storage-error.js';
import { migrate } from '../../src/adapters/sqlite/migrate.js';
import { ErrorCode, OomCheckError } from '../../src/core/errors.js';
import { migrationsDir } from '../../src/paths.js';
import { seedDatabase } from '../cli/seed-database.js';

/** The error `fn` throws (the tests below make real ones wherever the machine allows). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** An errno as node:fs makes it, for what a root test cannot provoke (EACCES) or needs a mount (EROFS). */
function errno(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: open '${path}'`), { code, syscall: 'open', path });
}

describe('toStorageError', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oom-check-storage-error-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function sqliteError(path: string, setup: (db: BetterSqlite3.Database) => void): unknown {
    const db = new BetterSqlite3(path);
    try {
      return thrown(() => setup(db));
    } finally {
      db.close();
    }
  }

  test.each<[string, () => [unknown, string], ErrorCode, RegExp]>([
    ['SQLITE_FULL', () => {
      const path = join(dir, 'full.db');
      return [sqliteError(path, (db) => {
        db.exec('CREATE TABLE t (x TEXT)');
        db.pragma('max_page_count = 3');
        db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000));
      }), path];
    }, ErrorCode.StorageFull, /^oom-check: the disk holding the database .*full\.db is full: free space, then run the command again$/],
    ['SQLITE_READONLY', () => {
      const path = join(dir, 'ro.db');
      new BetterSqlite3(path).close();
      const db = new BetterSqlite3(path, { readonly: true });
      const error = thrown(() => db.exec('CREATE TABLE t (x)'));
      db.close();
      return [error, path];
    }, ErrorCode.DatabaseReadOnly, /^oom-check: the database .*ro\.db is read-only for this user: /],
    ['SQLITE_BUSY', () => {
      const path = join(dir, 'busy.db');
      const holder = new BetterSqlite3(path);
      holder.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
      const error = sqliteError(path, (db) => {
        db.pragma('busy_timeout = 0');
        db.exec('INSERT INTO t VALUES (2)');
      });
      holder.exec('ROLLBACK');
      holder.close();
      return [error, path];
    }, ErrorCode.DatabaseBusy, /stayed locked by another process/],
    ['SQLITE_NOTADB', () => {
      const path = join(dir, 'notes.txt');
      writeFileSync(path, 'x'.repeat(4096));
      return [sqliteError(path, (db) => db.pragma('journal_mode = WAL')), path];
    }, ErrorCode.DatabaseUnusable, /notes\.txt is not an SQLite database/],
    ['SQLITE_CORRUPT', () => {
      const path = join(dir, 'cut.db');
      seedDatabase(path);
      truncateSync(path, 4096);
      return [sqliteError(path, (db) => db.prepare('SELECT * FROM timeline_events').all()), path];
    }, ErrorCode.DatabaseUnusable, /cut\.db is damaged \(SQLite: database disk image is malformed\)/],
    ['SQLITE_IOERR (extended code)', () => [Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_READ' }), join(dir, 'io.db')],
      ErrorCode.DatabaseUnusable, /io\.db failed with an I\/O error \(SQLITE_IOERR_READ\): check the disk/],
    ['a folder (SQLITE_CANTOPEN)', () => [thrown(() => new BetterSqlite3(dir)), dir],
      ErrorCode.DatabaseUnusable, /is a folder, not a file: set OOM_CHECK_DB_PATH to a file such as/],
    ['a missing file (ENOENT)', () => [errno('ENOENT', join(dir, 'none.db')), join(dir, 'none.db')], ErrorCode.DatabaseNotFound, /^oom-check: no database at .*none\.db/],
    ['EROFS', () => [errno('EROFS', join(dir, 'x.db')), join(dir, 'x.db')], ErrorCode.DatabaseReadOnly, /is read-only for this user/],
  ])('database: %s', (_name, make, code, message) => {
    const [error, path] = make();
    const mapped = toStorageError(error, { role: 'database', path });
    expect(mapped).toBeInstanceOf(OomCheckError);
    expect(mapped).toMatchObject({ code, message: expect.stringMatching(message), cause: error });
  });

  test('a migration that fills the disk is a full disk, not a bad migration file', () => {
    const db = new BetterSqlite3(join(dir, 'small.db'));
    db.pragma('max_page_count = 2');
    const error = thrown(() => migrate(db, migrationsDir));
    db.close();
    expect(error).toMatchObject({ code: 'SQLITE_FULL' });
    expect(toStorageError(error, { role: 'database', path: join(dir, 'small.db') })).toMatchObject({ code: ErrorCode.StorageFull });
  });

  test.each<[string, () => unknown, (dir: string) => string, ErrorCode, string | ((dir: string) => string)]>([
    ['EISDIR', () => thrown(() => writeFileSync(dir, 'x')), () => dir, ErrorCode.OutputUnwritable, 'it is a folder; give a file path instead'],
    ['ENOTDIR under a file', () => (writeFileSync(join(dir, 'f'), ''), thrown(() => mkdirSync(join(dir, 'f', 'a', 'b'), { recursive: true }))), () => join(dir, 'f', 'a', 'b', 'pm.md'), ErrorCode.OutputUnwritable, (dir) => `${join(dir, 'f')} is a file, not a folder; choose a path under a folder`],
    ['ENOSPC', () => (existsSync('/dev/full') ? thrown(() => writeFileSync('/dev/full', 'x')) : errno('ENOSPC', '/dev/full')), () => '/dev/full', ErrorCode.StorageFull, 'no space left on its device'],
    ['EACCES', () => errno('EACCES', join(dir, 'pm.md')), () => join(dir, 'pm.md'), ErrorCode.OutputUnwritable, 'permission denied; choose a folder this user may write'],
    ['EROFS', () => errno('EROFS', join(dir, 'pm.md')), () => join(dir, 'pm.md'), ErrorCode.OutputUnwritable, 'read-only file system'],
  ])('output: %s', (_name, make, pathOf, code, message) => {
    const error = make();
    const path = pathOf(dir);
    const mapped = toStorageError(error, { role: 'output', path });
    expect(mapped).toMatchObject({ code, message: expect.stringContaining(`oom-check: cannot write ${path}: `) });
    expect((mapped as Error).message).toContain(typeof message === 'string' ? message : message(dir));
  });

  test.each<[string, () => unknown]>([
    ['a TypeError', () => new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an SQL mistake (SQLITE_ERROR)', () => sqliteError(join(dir, 'a.db'), (db) => db.prepare('SELECT nope FROM nowhere'))],
    ['a constraint (SQLITE_CONSTRAINT_CHECK)', () => sqliteError(join(dir, 'b.db'), (db) => db.exec('CREATE TABLE t (x CHECK (x > 0)); INSERT INTO t VALUES (0)'))],
    ["Node's own ERR_ code", () => Object.assign(new Error('bad'), { code: 'ERR_INVALID_ARG_TYPE' })],
  ])('a bug stays itself, stack and all: %s', (_name, make) => {
    const error = make();
    expect(toStorageError(error, { role: 'database', path: join(dir, 'x.db') })).toBe(error);
    expect(toStorageError(error, { role: 'output', path: join(dir, 'x.md') })).toBe(error);
  });

  test('an OomCheckError passes through', () => {
    const error = new OomCheckError(ErrorCode.MigrationChecksumMismatch, 'edited');
    expect(toStorageError(error, { role: 'database', path: 'x' })).toBe(error);
  });
});

/**
 * The lab's SQLite database (`state/lab.db`), shared by the agent, the proxy-manager and the chart
 * renderer, each in its own process.
 *
 * Opened with better-sqlite3 in WAL mode with a busy timeout, so readers never block the writer and
 * concurrent writers wait their turn instead of failing with SQLITE_BUSY. Write transactions must be
 * immediate (`db.transaction(fn).immediate()` or {@link writeTransaction}): a deferred transaction that
 * reads and then writes can fail with SQLITE_BUSY at once, without waiting, when another process
 * wrote in between.
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LabError } from './errors.js';
import { makeFolder } from './paths.js';
import { MIGRATIONS } from './schema/index.js';

export type { Database } from 'better-sqlite3';
type Db = Database.Database;

/** How long a statement waits for another process's lock before SQLITE_BUSY, ms. */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating the file and its folder when missing) and migrates the database.
 * @param path the file, e.g. `settings.LAB_DB_PATH`; `:memory:` for a private in-memory one
 * @param options `readonly` opens without migrating (the chart renderer)
 * @returns an open better-sqlite3 handle; the caller closes it
 * @throws {LabError} `DATABASE` when it cannot be opened, or its schema is newer than this code
 */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
  let db: Db;
  try {
    if (path !== ':memory:' && !options.readonly) makeFolder(dirname(path));
    db = new Database(path, { readonly: Boolean(options.readonly), fileMustExist: Boolean(options.readonly) });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new LabError('DATABASE', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!options.readonly) migrate(db, path);
  return db;
}

/** The schema version a database is at (`PRAGMA user_version`). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the migrations a database lacks, each in an immediate transaction that re-reads the
 * version first, so processes opening the same file at once apply each step exactly once.
 * @throws {LabError} `DATABASE` when the file's version is newer than this code knows
 */
export function migrate(db: Db, path = db.name): void {
  const target = MIGRATIONS.length;
  const current = schemaVersion(db);
  if (current > target) {
    throw new LabError(
      'DATABASE',
      `database ${path} has schema version ${current}, newer than this lab's ${target}: upgrade the lab`,
    );
  }
  for (let version = current; version < target; version++) {
    writeTransaction(db, () => {
      if (schemaVersion(db) !== version) return; // another process applied it meanwhile
      db.exec(MIGRATIONS[version]!.sql);
      db.pragma(`user_version = ${version + 1}`);
    });
  }
}

/** Runs `fn` in an immediate (write-locking) transaction and returns its result. */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

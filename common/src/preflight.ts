/**
 * Pre-flight of the settings that name places on this machine: `LAB_DB_PATH`, `LOG_DIR` and
 * `CHARTS_DIR` are checked against the disk by every program entry right after the values themselves
 * ({@link settings} runs this), so a path the lab cannot use stops it before anything starts, with one
 * line per problem in the settings' own form (`LOG_DIR=/x/notes.txt: is a file, not a folder; must
 * be …`) instead of a stack trace from deep in pino or SQLite, or a start that never ends (Node 20's
 * recursive mkdir under /proc, see {@link makeFolder}).
 *
 * The folders are made here: the lab makes them moments later anyway, and making one is the only
 * test that holds for root (who passes every permission check) and for special file systems.
 */
import { accessSync, closeSync, constants, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolder } from './paths.js';
import type { Settings } from './settings/index.js';

/** The first 16 bytes of every SQLite 3 database file (https://www.sqlite.org/fileformat.html, 1.3.1). */
const SQLITE_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');

const FOLDER_RULE = 'must be a folder the lab can write to, or a path where one can be made';
const DATABASE_RULE = 'must be a SQLite database file the lab can write to, or a path where one can be made';

/**
 * Checks the lab's paths, making the folders that are missing.
 * @param s validated settings (paths absolute, as {@link loadSettings} returns them)
 * @returns one line per unusable path, `NAME=path: problem; what is allowed`; empty when all are usable
 */
export function checkLabPaths(s: Pick<Settings, 'LAB_DB_PATH' | 'LOG_DIR' | 'CHARTS_DIR'>): string[] {
  const found: Array<[name: string, path: string, problem: string | undefined, rule: string]> = [
    ['LAB_DB_PATH', s.LAB_DB_PATH, databaseProblem(s.LAB_DB_PATH), DATABASE_RULE],
    ['LOG_DIR', s.LOG_DIR, folderProblem(s.LOG_DIR), FOLDER_RULE],
    ['CHARTS_DIR', s.CHARTS_DIR, folderProblem(s.CHARTS_DIR), FOLDER_RULE],
  ];
  return found
    .filter(([, , problem]) => problem !== undefined)
    .map(([name, path, problem, rule]) => `${name}=${path}: ${problem}; ${rule}`);
}

/**
 * Why the lab cannot write files in folder `path` (made when missing), or undefined when it can.
 * @param subject how the folder is named in the problem: `''` when it is the setting's value itself,
 *   `its folder /x` when it holds the value
 */
function folderProblem(path: string, subject = ''): string | undefined {
  const stats = statOf(path);
  if (stats && !stats.isDirectory()) return `${subject} is a file, not a folder`.trim();
  try {
    makeFolder(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `cannot make the folder ${e.path ?? path} (${reason(e)})`;
  }
  return writable(path, subject || 'the folder');
}

/** Why `path` cannot be the lab's database, or undefined when it can (an existing database or a new file). */
function databaseProblem(path: string): string | undefined {
  const stats = statOf(path);
  if (!stats) return folderProblem(dirname(path), `its folder ${dirname(path)}`);
  if (stats.isDirectory()) return 'is a folder, not a database file';
  if (!stats.isFile()) return 'is not a regular file';
  // SQLite takes an empty file as a new database.
  if (stats.size > 0) {
    try {
      if (!startsWithSqliteHeader(path)) return 'is not a SQLite database (it does not start with "SQLite format 3")';
    } catch (err) {
      return `the file is not readable (${reason(err as NodeJS.ErrnoException)})`;
    }
  }
  return (
    writable(path, 'the file') ??
    writable(dirname(path), 'its folder (SQLite keeps its -wal and -shm files beside the database)')
  );
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** @throws the fs error when the file cannot be read */
function startsWithSqliteHeader(path: string): boolean {
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

function writable(path: string, what: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (err) {
    return `${what} is not writable (${reason(err as NodeJS.ErrnoException)})`;
  }
}

/** `ENOENT: no such file or directory` from an fs error, without the syscall and path Node appends. */
function reason(err: NodeJS.ErrnoException): string {
  return err.message.split(',')[0] ?? err.code ?? 'unknown error';
}

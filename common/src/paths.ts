/**
 * Where the project lives on disk, how relative paths in settings are resolved, and how the lab makes
 * the folders it writes to.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root: the folder holding the root `package.json`. Computed from this file's location,
 * which is `common/src/` when run from source and `common/dist/` when built, so both resolve alike.
 */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Resolves a path from settings: absolute paths stay as they are, relative ones are taken from the project root. */
export function resolveFromRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(PROJECT_ROOT, path);
}

/**
 * Makes the folder `path` and the parents it lacks, one level at a time, top down. Not
 * `mkdirSync(path, { recursive: true })`: on Node 20 that loops forever, deaf to signals, when a
 * parent exists but cannot hold folders (`/proc/nonexistent/lab`: every mkdir under /proc answers
 * ENOENT, which the recursive walk takes as "make the parent first").
 * @param path the folder (absolute, or relative to the working directory)
 * @throws the `fs` error (`code` ENOENT, ENOTDIR, EACCES, EROFS…, `path` the level that failed) of the
 *   first level that cannot be made; `ENOTDIR` when `path` itself exists and is not a folder
 */
export function makeFolder(path: string): void {
  const missing: string[] = [];
  let level = resolve(path);
  while (!existsSync(level)) {
    missing.push(level);
    const parent = dirname(level);
    if (parent === level) break;
    level = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      // Another part of the lab, starting at the same moment, may have made it first.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (!statSync(path).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path });
  }
}

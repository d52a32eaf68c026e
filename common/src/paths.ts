/**
 * Where the project lives on disk, and how relative paths in settings are resolved.
 */
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

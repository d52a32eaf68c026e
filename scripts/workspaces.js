/**
 * The project's workspaces and the files in them, for the test and benchmark runners.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Workspace folders, in the root package.json's order.
 * @type {string[]}
 */
export const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;

/**
 * Workspaces named on the command line (all when none), or exits 2 naming the unknown ones.
 * @param {string[]} names workspace folder names
 * @param {string} runner the runner's name, for the message
 * @returns {string[]}
 */
export function chooseWorkspaces(names, runner) {
  const unknown = names.filter((n) => !workspaces.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(
      `${runner}: unknown workspace ${unknown.join(', ')}; expected one of ${workspaces.join(', ')}\n`,
    );
    process.exit(2);
  }
  return names.length > 0 ? names : workspaces;
}

/**
 * Every file below `dir` (recursively) whose name ends with `suffix`, sorted for a stable order.
 * @param {string} dir
 * @param {string} suffix
 * @returns {string[]}
 */
export function filesEndingWith(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

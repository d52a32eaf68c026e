#!/usr/bin/env node
/**
 * Runs the lab's tests with Node's own test runner, straight from TypeScript source (tsx), resolving
 * workspace packages to their `src/` through the `source` export condition. `npm test` builds first
 * (`tsc -b`): the launcher's end-to-end tests run the compiled `chaos-lab` command as users do.
 *
 *   node scripts/run-tests.js                  every workspace's test/**\/*.test.ts
 *   node scripts/run-tests.js toxiproxy agent  only those workspaces
 *   node scripts/run-tests.js -- --test-name-pattern=latency   extra flags for node --test
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { chooseWorkspaces, filesEndingWith, root } from './workspaces.js';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const names = dash === -1 ? args : args.slice(0, dash);
const extra = dash === -1 ? [] : args.slice(dash + 1);

const files = chooseWorkspaces(names, 'run-tests').flatMap((ws) => filesEndingWith(join(root, ws, 'test'), '.test.ts'));
if (files.length === 0) {
  process.stderr.write('run-tests: no test files found\n');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', '--test', ...extra, ...files.map((f) => relative(root, f))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, LOG_CONSOLE: process.env.LOG_CONSOLE ?? 'off' } },
);
process.exit(result.status ?? 1);

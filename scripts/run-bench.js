#!/usr/bin/env node
/**
 * Runs the lab's benchmarks (`<workspace>/bench/*.bench.ts`) one after another, from TypeScript source.
 * Each benchmark prints its own figures and ratios. Not part of `npm test`.
 *
 *   node scripts/run-bench.js             every benchmark
 *   node scripts/run-bench.js toxiproxy   only that workspace's
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { chooseWorkspaces, filesEndingWith, root } from './workspaces.js';

const chosen = chooseWorkspaces(process.argv.slice(2), 'run-bench');
const files = chosen.flatMap((ws) => filesEndingWith(join(root, ws, 'bench'), '.bench.ts'));
if (files.length === 0) {
  process.stderr.write(`run-bench: no benchmarks in ${chosen.join(', ')}\n`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${relative(root, file)}\n`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LOG_CONSOLE: process.env.LOG_CONSOLE ?? 'off' },
  });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);

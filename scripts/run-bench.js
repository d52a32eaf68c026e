#!/usr/bin/env node
/**
 * Runs the lab's benchmarks (`<workspace>/bench/*.bench.ts`) one after another, from TypeScript source.
 * Each benchmark prints its own figures and ratios. Not part of `npm test`.
 *
 *   node scripts/run-bench.js             every benchmark
 *   node scripts/run-bench.js toxiproxy   only that workspace's
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const names = process.argv.slice(2);
const chosen = names.length > 0 ? names : workspaces;
const files = chosen.flatMap((ws) => {
  const dir = join(root, ws, 'bench');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort().map((f) => join(dir, f)) : [];
});
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

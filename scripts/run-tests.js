#!/usr/bin/env node
// @ts-check
/**
 * Runs the lab's tests with Node's own test runner, from the TypeScript source, workspace packages
 * resolved to their `src/` through the `source` export condition.
 *
 * Two kinds of test file, by name:
 * - `*.e2e.test.ts`, end to end: they run the built `chaos-lab` command (most start whole labs, a
 *   dozen processes each) or drive a browser, so they need `npm run build` first and take minutes;
 *   run through tsx, one file at a time (Node's default on 2 cores);
 * - every other `*.test.ts`, fast: parts started in-process on free ports, no build needed; bundled
 *   first (scripts/bundle-tests.js: half the CPU time of tsx) and run several files at a time
 *   ({@link FAST_CONCURRENCY}), as much of their time is spent waiting on sockets and timers.
 * Watch mode runs through tsx, which follows the source files a test imports.
 *
 *   node scripts/run-tests.js                  every test: the fast ones, then the end-to-end ones
 *   node scripts/run-tests.js --fast           the fast ones only (`npm run test:fast`)
 *   node scripts/run-tests.js --e2e            the end-to-end ones only (`npm run test:e2e`)
 *   node scripts/run-tests.js --watch [ws…]    the fast ones, again at every change (`npm run test:watch`)
 *   node scripts/run-tests.js toxiproxy agent  only those workspaces (with any of the above)
 *   node scripts/run-tests.js -- --test-name-pattern=latency   extra flags for node --test
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { bundleTests } from './bundle-tests.js';
import { chooseWorkspaces, filesEndingWith, root } from './workspaces.js';

/**
 * Fast test files run at once: one more than the cores, so that a file waiting on a timer leaves its
 * core to another. More gains nothing: the fast tests are bound by CPU (on 2 cores, 2 files at once
 * took 164 s, 3 took 153 s, 4 took 157 s).
 */
const FAST_CONCURRENCY = availableParallelism() + 1;

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const own = dash === -1 ? args : args.slice(0, dash);
const extra = dash === -1 ? [] : args.slice(dash + 1);
const flags = new Set(own.filter((a) => a.startsWith('--')));
const unknownFlags = [...flags].filter((f) => !['--fast', '--e2e', '--watch'].includes(f));
if (unknownFlags.length > 0 || (flags.has('--fast') && flags.has('--e2e'))) {
  process.stderr.write(
    `run-tests: expected --fast, --e2e or --watch (one kind at most), workspaces, then -- and node --test flags; got ${own.join(' ')}\n`,
  );
  process.exit(2);
}
const workspaces = chooseWorkspaces(
  own.filter((a) => !a.startsWith('--')),
  'run-tests',
);
const testFiles = workspaces
  .flatMap((ws) => filesEndingWith(join(root, ws, 'test'), '.test.ts'))
  .map((f) => relative(root, f));
const e2eFiles = testFiles.filter((f) => f.endsWith('.e2e.test.ts'));
const fastFiles = testFiles.filter((f) => !f.endsWith('.e2e.test.ts'));

/**
 * One `node --test` over `files`; its exit status.
 * @param {string[]} files
 * @param {string[]} nodeFlags flags before the caller's own `extra` (which win)
 */
function runTests(files, nodeFlags) {
  const result = spawnSync(process.execPath, [...nodeFlags, '--test', ...extra, ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LOG_CONSOLE: process.env.LOG_CONSOLE ?? 'off' },
  });
  return result.status ?? 1;
}

/** Runs from the TypeScript source through tsx: the end-to-end tests, and watch mode (which follows the source files). */
const fromSource = ['--conditions=source', '--import', 'tsx'];

/** The fast tests, bundled first (scripts/bundle-tests.js), several files at a time; the exit status. */
async function runFast() {
  if (fastFiles.length === 0) return 0;
  const bundles = await bundleTests(fastFiles);
  try {
    return runTests(bundles.files, ['--enable-source-maps', `--test-concurrency=${FAST_CONCURRENCY}`]);
  } finally {
    bundles.cleanup();
  }
}

function runE2e() {
  return e2eFiles.length === 0 ? 0 : runTests(e2eFiles, fromSource);
}

const kind = flags.has('--e2e') ? 'end-to-end ' : flags.has('--fast') || flags.has('--watch') ? 'fast ' : '';
const chosen = flags.has('--e2e') ? e2eFiles : flags.has('--fast') || flags.has('--watch') ? fastFiles : testFiles;
if (chosen.length === 0) {
  process.stderr.write(`run-tests: no ${kind}test files in ${workspaces.join(', ')}\n`);
  process.exit(1);
}
if (flags.has('--watch')) {
  process.exit(
    runTests(chosen, [
      ...fromSource,
      '--watch',
      ...(flags.has('--e2e') ? [] : [`--test-concurrency=${FAST_CONCURRENCY}`]),
    ]),
  );
}
if (flags.has('--fast')) process.exit(await runFast());
if (flags.has('--e2e')) process.exit(runE2e());
const both = fastFiles.length > 0 && e2eFiles.length > 0;
if (both) process.stdout.write(`run-tests: ${fastFiles.length} fast test files\n`);
const fastStatus = await runFast();
if (both) process.stdout.write(`run-tests: ${e2eFiles.length} end-to-end test files\n`);
const e2eStatus = runE2e();
process.exit(fastStatus === 0 && e2eStatus === 0 ? 0 : 1);

#!/usr/bin/env node
// @ts-check
/**
 * Runs the lab's tests with Node's own test runner, from the TypeScript source, workspace packages
 * resolved to their `src/` through the `source` export condition.
 *
 * Two kinds of test file, by name, by one rule:
 * - fast (`*.test.ts`): a unit, or one part of the lab (a tool service, the Toxiproxy-compatible
 *   server, the model server, the metrics server, the database, the agent's tool calls against stub
 *   servers), started in the test's own process on free ports. No build needed;
 * - end to end (`*.e2e.test.ts`): several parts wired together, or anything outside the test's process:
 *   a test lab (`startTestLab`: tool services behind the Toxiproxy-compatible server, driven by the
 *   agent loop or the proxy-manager; the agent loop over real tool services), a part or helper started
 *   as a child process, the built `chaos-lab` command (whole labs, a dozen processes each), a browser,
 *   charts rendered to PNG. `npm run build` first, for the ones that run the built command.
 * A newcomer's test: fast when it needs nothing but its own process and one part; else `.e2e.test.ts`.
 *
 * Both kinds run bundled (scripts/bundle-tests.js: half the CPU time of tsx), several files at a time
 * ({@link FAST_CONCURRENCY}), as much of their time is spent waiting on sockets and timers; except the
 * whole-lab tests (the end-to-end tests of {@link WHOLE_LAB_WORKSPACES}), run {@link WHOLE_LAB_CONCURRENCY}
 * at a time (each lab holds its own block of ports, common's `takePortBlock`, so they never meet).
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

/** Workspaces whose end-to-end tests start whole labs through the built `chaos-lab` command (or render charts). */
const WHOLE_LAB_WORKSPACES = ['lab', 'dashboard'];

/**
 * Whole-lab test files run at once: a lab is a dozen processes, which fill the cores by themselves.
 */
const WHOLE_LAB_CONCURRENCY = 2;

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

/** Runs from the TypeScript source through tsx: watch mode (which follows the source files). */
const fromSource = ['--conditions=source', '--import', 'tsx'];

/**
 * `files`, bundled first (scripts/bundle-tests.js), `concurrency` files at a time; the exit status.
 * @param {string[]} files
 * @param {number} concurrency
 */
async function runBundled(files, concurrency) {
  if (files.length === 0) return 0;
  const bundles = await bundleTests(files);
  try {
    return runTests(bundles.files, ['--enable-source-maps', `--test-concurrency=${concurrency}`]);
  } finally {
    bundles.cleanup();
  }
}

/** The fast tests; the exit status. */
function runFast() {
  return runBundled(fastFiles, FAST_CONCURRENCY);
}

/** The end-to-end tests: those of parts wired together, then the whole-lab ones; the exit status. */
async function runE2e() {
  const wholeLab = e2eFiles.filter((f) => WHOLE_LAB_WORKSPACES.some((ws) => f.startsWith(`${ws}/`)));
  const parts = e2eFiles.filter((f) => !wholeLab.includes(f));
  const partsStatus = await runBundled(parts, FAST_CONCURRENCY);
  const wholeLabStatus = await runBundled(wholeLab, WHOLE_LAB_CONCURRENCY);
  return partsStatus === 0 && wholeLabStatus === 0 ? 0 : 1;
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
if (flags.has('--e2e')) process.exit(await runE2e());
const both = fastFiles.length > 0 && e2eFiles.length > 0;
if (both) process.stdout.write(`run-tests: ${fastFiles.length} fast test files\n`);
const fastStatus = await runFast();
if (both) process.stdout.write(`run-tests: ${e2eFiles.length} end-to-end test files\n`);
const e2eStatus = await runE2e();
process.exit(fastStatus === 0 && e2eStatus === 0 ? 0 : 1);

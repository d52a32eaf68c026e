#!/usr/bin/env node
/**
 * Bundles the compiled `chaos-lab` command (lab/dist/cli.js and everything it imports, after `tsc -b`)
 * into a few files in lab/dist/bundle with esbuild, for a faster start: `npm start` starts ten Node
 * processes at once, and each spent a third of its start-up CPU finding, reading and linking hundreds
 * of small modules (express and its dependencies alone are over a hundred files).
 *
 * - One entry, `chaos-lab.js`, that runs the CLI; each subcommand's code is its own chunk, loaded only
 *   by the processes that run it (as `lab/src/cli.ts` does with its dynamic imports), and code shared
 *   by several subcommands sits in shared chunks.
 * - Left outside (loaded from node_modules as before): native addons (better-sqlite3, @resvg/resvg-js)
 *   and what is loaded only after start-up or not at all in most runs (dockerode, vega, vega-lite).
 * - Modules the lab loads only where they are used (`createRequire`) stay lazy, and `import.meta.url`
 *   keeps meaning the compiled file (the project root, the tools' data files): see `ownModules`.
 * - `manifest.json` records the `tsconfig.tsbuildinfo` of every workspace as it was when bundling:
 *   `lab/bin/chaos-lab.js` runs the bundle only while they are unchanged, and the compiled files
 *   otherwise (after a `tsc -b` that was not followed by this script, the bundle would be stale).
 *
 * The bundle is written to a new folder and swapped in, so a lab starting meanwhile never sees half
 * of one. Run by `npm run build`, `npm test`, `npm run bench` and `npm install` (prepare).
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import { root, workspaces } from './workspaces.js';

const outDir = join(root, 'lab', 'dist', 'bundle');
const tempDir = `${outDir}.${process.pid}.tmp`;
const oldDir = `${outDir}.${process.pid}.old`;

/** Packages kept out of the bundle; see the file comment. */
const EXTERNAL = ['better-sqlite3', '@resvg/resvg-js', 'dockerode', 'vega', 'vega-lite'];

/** The compiled files of the lab's workspaces (`<workspace>/dist/…js`), whose `import.meta.url` is kept. */
const ownDist = new RegExp(
  `^${escape(root)}(${workspaces.map(escape).join('|')})${escape(sep)}dist${escape(sep)}.*\\.js$`,
);

/** @param {string} text */
function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Modules the lab loads only where they are used, by file in the bundle: `lazy/<name>.cjs` → where to resolve it from. */
const lazyModules = new Map();

/**
 * esbuild plugin for the lab's own modules:
 * - `createRequire(import.meta.url)('name')`, which the lab uses to load a heavy module only where it
 *   is used (mathjs in the calculator, pino-pretty for a console), loads `lazy/<name>.cjs` instead: that
 *   module bundled on its own, so it stays out of the chunks every process reads, and is still one file
 *   rather than hundreds (mathjs: ~330 ms of CPU to load unbundled, ~50 ms bundled);
 * - any other `import.meta.url` means the module's compiled file, not the chunk it lands in.
 */
/** @type {import('esbuild').Plugin} */
const ownModules = {
  name: 'own-modules',
  setup(b) {
    b.onLoad({ filter: ownDist }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // Relative to the bundle folder, so a moved or copied checkout still works.
      const fromBundle = relative(outDir, args.path).split(sep).join('/');
      const contents = source
        .replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, (_, _quote, name) => {
          const file = `lazy/${name.replace(/[^A-Za-z0-9]+/g, '-')}.cjs`;
          lazyModules.set(file, { name, resolveDir: dirname(args.path) });
          return `__chaosLabLazy(${JSON.stringify(file)})`;
        })
        .replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`);
      return { contents, loader: 'js' };
    });
  },
};

/** Modification times of every workspace's tsbuildinfo (absent: null), by path from the root. */
function buildInfoTimes() {
  return Object.fromEntries(
    workspaces.map((ws) => {
      const file = join(root, ws, 'tsconfig.tsbuildinfo');
      return [relative(root, file).split(sep).join('/'), existsSync(file) ? statSync(file).mtimeMs : null];
    }),
  );
}

if (!existsSync(join(root, 'lab', 'dist', 'cli.js'))) {
  process.stderr.write('bundle: lab/dist/cli.js is missing: run `tsc -b` first\n');
  process.exit(1);
}
const builtFrom = buildInfoTimes();
rmSync(tempDir, { recursive: true, force: true });
await build({
  stdin: {
    contents: "import { main } from './cli.js';\nawait main(process.argv);\n",
    resolveDir: join(root, 'lab', 'dist'),
    sourcefile: 'chaos-lab-entry.js',
    loader: 'js',
  },
  entryNames: 'chaos-lab',
  outdir: tempDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  banner: {
    // CommonJS dependencies bundled into ES modules still call require() for Node's own modules; the
    // lazy modules are required by their path in the bundle folder.
    js: [
      "import { createRequire as __chaosLabRequire } from 'node:module';",
      "import { fileURLToPath as __chaosLabPath } from 'node:url';",
      'const require = __chaosLabRequire(import.meta.url);',
      'const __chaosLabLazy = (file) => require(__chaosLabPath(new URL(file, import.meta.url)));',
    ].join('\n'),
  },
  plugins: [ownModules],
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const [file, { name, resolveDir }] of lazyModules) {
  await build({
    stdin: {
      contents: `module.exports = require(${JSON.stringify(name)});`,
      resolveDir,
      sourcefile: `${name}-entry.js`,
      loader: 'js',
    },
    outfile: join(tempDir, file),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
}
writeFileSync(join(tempDir, 'manifest.json'), `${JSON.stringify({ builtFrom }, null, 2)}\n`);
// Swap: the old bundle stays whole until the new one is in place.
if (existsSync(outDir)) renameSync(outDir, oldDir);
renameSync(tempDir, outDir);
rmSync(oldDir, { recursive: true, force: true });
process.stdout.write('bundle: lab/dist/bundle/chaos-lab.js\n');
// The dashboard's page, for the browser (its own build: scripts/bundle-dashboard.js).
await import('./bundle-dashboard.js');

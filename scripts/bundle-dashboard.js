#!/usr/bin/env node
/**
 * Builds the dashboard's page (dashboard/web: preact + htm, vega-embed) into dashboard/dist/web with
 * esbuild: one minified ES module for the browser, its CSS and index.html. Run by `scripts/bundle.js`,
 * so `npm install` (prepare), `npm run build` and `npm test` build it; the dashboard's server
 * (dashboard/src/main.ts) serves the folder and refuses to start without it.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root } from './workspaces.js';

const webSrc = join(root, 'dashboard', 'web');
const outDir = join(root, 'dashboard', 'dist', 'web');
const tempDir = `${outDir}.${process.pid}.tmp`;

rmSync(tempDir, { recursive: true, force: true });
mkdirSync(tempDir, { recursive: true });
await build({
  entryPoints: [join(webSrc, 'app.js')],
  outfile: join(tempDir, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});
copyFileSync(join(webSrc, 'index.html'), join(tempDir, 'index.html'));
copyFileSync(join(webSrc, 'app.css'), join(tempDir, 'app.css'));
// Swapped in whole, as the lab's bundle is: a dashboard serving meanwhile never sees half a page.
const oldDir = `${outDir}.${process.pid}.old`;
if (existsSync(outDir)) renameSync(outDir, oldDir);
renameSync(tempDir, outDir);
rmSync(oldDir, { recursive: true, force: true });
process.stdout.write('bundle: dashboard/dist/web/app.js\n');

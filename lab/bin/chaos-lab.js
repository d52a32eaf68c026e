#!/usr/bin/env node
// The `chaos-lab` command. Runs the bundled CLI (lab/dist/bundle, see scripts/bundle.js: faster to
// start) when it was made from the compiled files as they are now, else the compiled CLI; `npm
// install` builds both.
import { existsSync, readFileSync, statSync } from 'node:fs';

const bundle = new URL('../dist/bundle/', import.meta.url);

/** True when every tsbuildinfo is as it was when the bundle was made (a later `tsc -b` changes one). */
function bundleIsCurrent() {
  try {
    const { builtFrom } = JSON.parse(readFileSync(new URL('manifest.json', bundle), 'utf8'));
    const root = new URL('../../', import.meta.url);
    return Object.entries(builtFrom).every(([file, mtimeMs]) => {
      const url = new URL(file, root);
      return mtimeMs === null ? !existsSync(url) : existsSync(url) && statSync(url).mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}

if (bundleIsCurrent()) {
  await import(new URL('chaos-lab.js', bundle).href);
} else {
  const cli = new URL('../dist/cli.js', import.meta.url);
  if (!existsSync(cli)) {
    process.stderr.write(
      'chaos-lab: the lab is not built yet: run `npm install` (or `npm run build`) at the project root\n',
    );
    process.exit(1);
  }
  const { main } = await import(cli.href);
  await main(process.argv);
}

#!/usr/bin/env node
// The `chaos-lab` command. Runs the compiled CLI; `npm install` builds it.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('chaos-lab: the lab is not built yet: run `npm install` (or `npm run build`) at the project root\n');
  process.exit(1);
}
const { main } = await import(cli.href);
await main(process.argv);

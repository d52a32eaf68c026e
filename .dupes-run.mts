import { spawnSync } from 'node:child_process';
import { takePortBlock } from '@chaos-lab/common/testing';
const block = await takePortBlock();
console.log('PORT_OFFSET', block.offset);
const dir = process.argv[2]!;
const r = spawnSync('node', ['lab/bin/chaos-lab.js', 'run', ...process.argv.slice(3)], {
  stdio: 'inherit',
  env: { ...process.env, PORT_OFFSET: String(block.offset), LAB_DB_PATH: `${dir}/lab.db`, LOG_DIR: `${dir}/logs`, CHARTS_DIR: `${dir}/charts`, OFFLINE_MODEL_LATENCY_MS: '50' },
});
block.release();
console.log('exit', r.status);
process.exit(r.status ?? 1);

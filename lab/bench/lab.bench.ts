/**
 * Benchmark of the whole lab (`chaos-lab up`), offline model with no think time, no chaos:
 * - time from the command starting to the first prompt sent (target: under 3 s after the build),
 * - prompts per second end to end at AGENT_CONCURRENCY 1 and 8,
 * - peak resident memory of the whole lab (the launcher and its children, summed), sampled every 50 ms.
 * Prints its figures; not a test. Runs on ports shifted by PORT_OFFSET so a running lab is not disturbed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';

const CLI = join(PROJECT_ROOT, 'lab', 'bin', 'chaos-lab.js');
const REPEAT = 5;

/** Resident memory of a process and all its descendants, KiB (Linux /proc). */
function treeRssKiB(pid: number): number {
  let out = '';
  try {
    out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  } catch {
    return 0;
  }
  const rows = out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)) as [number, number, number][];
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of rows) if (tree.has(pp) && !tree.has(p)) (tree.add(p), (grew = true));
  }
  return rows.filter(([p]) => tree.has(p)).reduce((sum, [, , rss]) => sum + rss, 0);
}

async function runOnce(concurrency: number, slot: number): Promise<{ firstPromptMs: number; promptsPerS: number; prompts: number; peakMiB: number }> {
  const tmp = makeTempDir('chaos-lab-bench-');
  try {
    const shipped = JSON.parse(readFileSync(join(PROJECT_ROOT, 'agent', 'prompts.json'), 'utf8')) as { prompt: string }[];
    const prompts = Array.from({ length: REPEAT }, () => shipped.map(({ prompt }) => ({ prompt }))).flat();
    const promptsFile = join(tmp.path, 'prompts.json');
    writeFileSync(promptsFile, JSON.stringify(prompts));
    const startedAt = Date.now();
    const child = spawn(process.execPath, [CLI, 'up', '--prompts', promptsFile, '--concurrency', String(concurrency)], {
      cwd: PROJECT_ROOT,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH ?? '',
        LLM_PROVIDER: 'offline',
        OFFLINE_MODEL_LATENCY_MS: '0',
        TOXIC_PROB: '0',
        ERROR_PROB: '0',
        CHAOS_SEED: '1',
        PORT_OFFSET: String(21_000 + slot * 100),
        LAB_DB_PATH: join(tmp.path, 'lab.db'),
        LOG_DIR: join(tmp.path, 'logs'),
        CHARTS_DIR: join(tmp.path, 'charts'),
      },
    });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRssKiB(child.pid!))), 50);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(sampler);
    if (code !== 0) throw new Error(`chaos-lab up exited with ${code}; see ${tmp.path}/logs`);
    const db = openDatabase(join(tmp.path, 'lab.db'), { readonly: true });
    const r = db.prepare('SELECT MIN(started_at) AS first, MAX(finished_at) AS last, COUNT(*) AS n FROM prompt_results').get() as { first: number; last: number; n: number };
    db.close();
    return { firstPromptMs: r.first - startedAt, promptsPerS: (r.n / (r.last - r.first)) * 1000, prompts: r.n, peakMiB: peak / 1024 };
  } finally {
    tmp.cleanup();
  }
}

const lines: string[] = [];
let slot = 0;
for (const concurrency of [1, 8]) {
  const r = await runOnce(concurrency, slot++);
  lines.push(
    `concurrency ${concurrency}: ${r.prompts} prompts, ${r.promptsPerS.toFixed(1)} prompts/s end to end; ` +
      `first prompt sent ${r.firstPromptMs} ms after \`chaos-lab up\` started (target < 3000 ms: ${r.firstPromptMs < 3000 ? 'met' : 'MISSED'}); ` +
      `peak memory of the whole lab ${r.peakMiB.toFixed(0)} MiB`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

/**
 * Benchmark of the whole lab (`chaos-lab up`), offline model with no think time, no chaos:
 * - start-up: time from the command starting to the first prompt sent (target: under 2 s on an idle
 *   2-core machine), the median of STARTS starts of a one-prompt run, idle and beside busy loops
 *   (`BENCH_BUSY_LOOPS`, default `0,2`: a list of how many `while :; do :; done` shells run beside
 *   it); with the CPU time the lab's processes had used when the lab was ready, and which part was
 *   ready last;
 * - prompts per second end to end at AGENT_CONCURRENCY 1 and 8,
 * - peak resident memory of the whole lab (the launcher and its children, summed), sampled every 50 ms.
 * Prints its figures; not a test. Runs on ports shifted by PORT_OFFSET so a running lab is not disturbed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir, takePortBlock } from '@chaos-lab/common/testing';
import { processTree } from './process-tree.js';

const CLI = join(PROJECT_ROOT, 'lab', 'bin', 'chaos-lab.js');
const REPEAT = 5;
const STARTS = 5;
const START_TARGET_MS = 2000;

interface LabRun {
  /** From spawning `chaos-lab up` to the first prompt's start, ms. */
  readonly firstPromptMs: number;
  readonly promptsPerS: number;
  readonly prompts: number;
  readonly peakMiB: number;
  /** CPU time of the lab's processes when the launcher said `lab ready`, ms. */
  readonly cpuAtReadyMs: number;
  /** The part whose health check passed last, and when (ms after the launcher started). */
  readonly lastReady: string;
}

/** Runs `chaos-lab up` once on `prompts`, on a block of ports no test or other lab holds. */
async function runLab(prompts: readonly { prompt: string }[], concurrency: number): Promise<LabRun> {
  const tmp = makeTempDir('chaos-lab-bench-');
  const ports = await takePortBlock();
  try {
    const promptsFile = join(tmp.path, 'prompts.json');
    writeFileSync(promptsFile, JSON.stringify(prompts));
    const startedAt = Date.now();
    const child = spawn(process.execPath, [CLI, 'up', '--prompts', promptsFile, '--concurrency', String(concurrency)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: {
        PATH: process.env.PATH ?? '',
        LLM_PROVIDER: 'offline',
        OFFLINE_MODEL_LATENCY_MS: '0',
        TOXIC_PROB: '0',
        ERROR_PROB: '0',
        CHAOS_SEED: '1',
        PORT_OFFSET: String(ports.offset),
        LAB_DB_PATH: join(tmp.path, 'lab.db'),
        LOG_DIR: join(tmp.path, 'logs'),
        CHARTS_DIR: join(tmp.path, 'charts'),
      },
    });
    let peak = 0;
    let cpuAtReadyMs = 0;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const before = output;
      output += chunk.toString();
      if (!/lab ready/.test(before) && /lab ready/.test(output)) cpuAtReadyMs = processTree(child.pid!).cpuMs;
    });
    const sampler = setInterval(() => (peak = Math.max(peak, processTree(child.pid!).rssKiB)), 50);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(sampler);
    if (code !== 0) throw new Error(`chaos-lab up exited with ${code}:\n${output}`);
    const db = openDatabase(join(tmp.path, 'lab.db'), { readonly: true });
    const r = db
      .prepare('SELECT MIN(started_at) AS first, MAX(finished_at) AS last, COUNT(*) AS n FROM prompt_results')
      .get() as { first: number; last: number; n: number };
    db.close();
    const healthy = readFileSync(join(tmp.path, 'logs', 'info.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"msg":"healthy"'))
      .map((line) => JSON.parse(line) as { child: string; readyMs: number })
      .sort((a, b) => b.readyMs - a.readyMs)[0];
    return {
      firstPromptMs: r.first - startedAt,
      promptsPerS: (r.n / Math.max(1, r.last - r.first)) * 1000,
      prompts: r.n,
      peakMiB: peak / 1024,
      cpuAtReadyMs,
      lastReady: healthy ? `${healthy.child} at ${healthy.readyMs} ms` : 'unknown',
    };
  } finally {
    ports.release();
    tmp.cleanup();
  }
}

/** Starts `count` busy loops (one CPU each); returns a function that kills them. */
function busyLoops(count: number): () => void {
  const loops: ChildProcess[] = Array.from({ length: count }, () =>
    spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }),
  );
  return () => {
    for (const loop of loops) loop.kill('SIGKILL');
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

const busyLevels = (process.env.BENCH_BUSY_LOOPS ?? '0,2').split(',').map((n) => Number(n.trim()));
const shipped = JSON.parse(readFileSync(join(PROJECT_ROOT, 'agent', 'prompts.json'), 'utf8')) as { prompt: string }[];
const lines: string[] = [];
for (const busy of busyLevels) {
  const stopLoops = busyLoops(busy);
  const starts: LabRun[] = [];
  try {
    for (let i = 0; i < STARTS; i++) starts.push(await runLab([{ prompt: shipped[0]!.prompt }], 1));
  } finally {
    stopLoops();
  }
  const times = starts.map((s) => s.firstPromptMs);
  const m = median(times);
  const typical = starts.find((s) => s.firstPromptMs === m)!;
  lines.push(
    `start-up, ${busy === 0 ? 'idle' : `${busy} busy loops beside it`}: first prompt sent ${m} ms after \`chaos-lab up\` started ` +
      `(median of ${STARTS}; ${Math.min(...times)}–${Math.max(...times)} ms; target < ${START_TARGET_MS} ms${busy === 0 ? `: ${m < START_TARGET_MS ? 'met' : 'MISSED'}` : ''}); ` +
      `CPU used by the lab when ready ${median(starts.map((s) => s.cpuAtReadyMs))} ms; ready last: ${typical.lastReady}`,
  );
}
const prompts = Array.from({ length: REPEAT }, () => shipped.map(({ prompt }) => ({ prompt }))).flat();
for (const concurrency of [1, 8]) {
  const r = await runLab(prompts, concurrency);
  lines.push(
    `concurrency ${concurrency}: ${r.prompts} prompts, ${r.promptsPerS.toFixed(1)} prompts/s end to end; ` +
      `first prompt sent ${r.firstPromptMs} ms after start; peak memory of the whole lab ${r.peakMiB.toFixed(0)} MiB`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

// Support for the launcher's stop and dead-part tests: a lab started as a real `chaos-lab up` process
// in a process group of its own (as a terminal starts it), its children found by their command line,
// waits on the record with deadlines, and the checks every stop must pass.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@chaos-lab/common';
import { queryDatabase } from '@chaos-lab/common/testing';
import { CLI, cliEnvironment, isAlive, labPortOffset } from './cli.js';

export { writeToolPrompts as writePrompts } from '@chaos-lab/common/testing';

/** A `chaos-lab up` run in its own process group (its pid is the group's id). */
export interface LabRun {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly dbPath: string;
  output(): string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A lab's own files in `dir` and its block of ports, with a fixed seed and no simulated server errors. */
export async function labBaseEnv(dir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    LAB_DB_PATH: join(dir, 'lab.db'),
    LOG_DIR: join(dir, 'logs'),
    CHARTS_DIR: join(dir, 'charts'),
    PORT_OFFSET: String(await labPortOffset()),
    CHAOS_SEED: '7',
    ERROR_PROB: '0',
    ...extra,
  };
}

/** The settings of a short run on the test file's ports: small prompts file, fast offline model, frequent short toxics. */
export async function labEnv(dir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return labBaseEnv(dir, {
    OFFLINE_MODEL_LATENCY_MS: '120',
    TOXIC_PROB: '0.5',
    TOXICS: 'latency,timeout',
    CHAOS_INTERVAL_MS: '100',
    TOXIC_DURATION_MS: '300-900',
    PROXY_TIMEOUT_MS: '600',
    ...extra,
  });
}

/**
 * Starts `command args` (default: `node chaos-lab.js up`) in a new process group with `env` added to a
 * clean environment.
 */
export function startLab(
  dir: string,
  args: string[],
  env: Record<string, string>,
  command: string[] = [process.execPath, CLI],
): LabRun {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  // 'close', not 'exit': the process may exit before its last output has been read.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, dir, dbPath: env.LAB_DB_PATH!, output: () => out, exit };
}

/** Polls `probe` every 50 ms until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined && value !== false) return value;
    } catch {
      // the database does not exist yet, or is being created
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until the lab's console output matches `re`: the launcher prints a line after it records what
 * the line tells of, and the output reaches the test later still, so a running lab's output is waited
 * for, never read once. Fails after `timeoutMs` with the output so far.
 */
export async function outputMatching(run: LabRun, re: RegExp, timeoutMs = 10_000): Promise<void> {
  try {
    await waitFor(`${re} in the lab's output`, () => re.test(run.output()), timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; the output so far:\n${run.output()}`);
  }
}

/** Runs one read-only query on the lab's database. */
export const query = queryDatabase;

/** Waits until `n` prompts of the run have their row (the run is under way). */
export function promptsDone(run: LabRun, n: number): Promise<number> {
  return waitFor(`${n} prompt rows`, () => {
    const [row] = query<{ n: number }>(run.dbPath, 'SELECT COUNT(*) AS n FROM prompt_results');
    return row!.n >= n && row!.n;
  });
}

/** The pids of processes started with this lab's database in their environment (the launcher's children, restarts included). */
export function labProcesses(run: LabRun): number[] {
  const marker = `LAB_DB_PATH=${run.dbPath}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === run.child.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids.filter(isAlive);
}

/** The pid of the launcher's child running `chaos-lab <sub>` (e.g. `agent`, `proxy-manager`, `tool weather`). */
export function childPid(run: LabRun, sub: string): number {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(run.child.pid)], { encoding: 'utf8' }).split(
    '\n',
  );
  const line = lines.find((l) => l.trimEnd().endsWith(`chaos-lab.js ${sub}`) || l.includes(`chaos-lab.js ${sub} `));
  assert.ok(line, `no child "${sub}" among:\n${lines.join('\n')}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/** A run's row and the checks every stop must pass; returns the row. */
export interface RunRow {
  run_id: string;
  status: string;
  error: string | null;
  prompts_total: number;
  prompts_correct: number;
  prompts_unchecked: number;
  prompts_wrong: number;
  prompts_unhandled: number;
  prompts_failed: number;
  prompts_interrupted: number;
}

/**
 * Asserts the record of the lab's one run is whole: exactly one row per prompt, the run's counts equal
 * to its rows, no fault event left open, no process of the lab left running.
 */
export function assertWholeRecord(run: LabRun, promptsTotal: number): RunRow {
  const runs = query<RunRow>(run.dbPath, 'SELECT * FROM runs');
  assert.equal(runs.length, 1, run.output());
  const row = runs[0]!;
  assert.equal(row.prompts_total, promptsTotal);
  const results = query<{ prompt_index: number; status: string }>(
    run.dbPath,
    'SELECT prompt_index, status FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
    row.run_id,
  );
  assert.deepEqual(
    results.map((r) => r.prompt_index),
    Array.from({ length: promptsTotal }, (_, i) => i),
    'exactly one row per prompt',
  );
  for (const status of ['correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted'] as const) {
    assert.equal(
      row[`prompts_${status}`],
      results.filter((r) => r.status === status).length,
      `runs.prompts_${status} equals its rows`,
    );
  }
  const open = query<{ id: number; kind: string }>(
    run.dbPath,
    'SELECT id, kind FROM fault_events WHERE ended_at IS NULL',
  );
  assert.deepEqual(open, [], 'no fault event left open');
  assert.deepEqual(labProcesses(run), [], 'no process of the lab left running');
  return row;
}

/** Asserts the run's report was rendered (an interrupted or failed run has one too). */
export function assertReport(run: LabRun): void {
  assert.match(run.output(), /report: .*index\.html/, run.output());
  assert.ok(readdirSync(join(run.dir, 'charts')).includes('index.html'));
}

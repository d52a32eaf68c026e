/**
 * `chaos-lab runs [--limit N]`: lists the runs in the lab database (`LAB_DB_PATH`), latest first:
 * id, start (UTC), status, prompts by status and seed, so a user can pick one for
 * `chaos-lab charts --run ID` or repeat it with `--seed`.
 *
 * Counts are read from `prompt_results`, not from the `runs` counters, so a run still going (or one
 * whose agent died before closing it) shows what it recorded so far.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openDatabase, PROMPT_STATUSES, settings, type Database, type Settings } from '@chaos-lab/common';

/** One run as listed. */
export interface RunListing {
  readonly runId: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly status: string;
  readonly seed: number;
  readonly promptsTotal: number;
  readonly correct: number;
  readonly unchecked: number;
  readonly wrong: number;
  readonly unhandled: number;
  readonly failed: number;
  readonly interrupted: number;
}

/** Where the command writes. */
export interface RunsCommandIo {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/** The status columns, in the order they are printed. */
const COUNTS = PROMPT_STATUSES;

/**
 * The latest runs with their prompt counts.
 * @param db the lab database
 * @param limit how many runs at most
 * @returns latest started first
 */
export function listRuns(db: Database, limit: number): RunListing[] {
  const counts = COUNTS.map(
    (s) => `(SELECT COUNT(*) FROM prompt_results p WHERE p.run_id = r.run_id AND p.status = '${s}') AS ${s}`,
  ).join(',\n            ');
  return db
    .prepare(
      `SELECT r.run_id AS runId, r.started_at AS startedAt, r.status, r.seed, r.prompts_total AS promptsTotal,
              ${counts}
         FROM runs r ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`,
    )
    .all(limit) as RunListing[];
}

/** Left-aligned columns, two spaces apart (the first row is the header; the last column is not padded). */
export function columns(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/**
 * Runs the command.
 * @param options `limit` (runs to show, ≥ 1), `settings` (the database)
 * @param io where to print (default the process's stdout and stderr)
 * @returns the exit status: 0 when listed (also when there is no run yet), 1 when the database is missing
 */
export function runRunsCommand(
  options: { limit: number; settings: Settings },
  io: RunsCommandIo = { out: process.stdout, err: process.stderr },
): number {
  const dbPath = options.settings.LAB_DB_PATH;
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    io.err.write(`chaos-lab runs: --limit must be a whole number ≥ 1, got ${options.limit}\n`);
    return 1;
  }
  if (!existsSync(dbPath)) {
    io.err.write(`chaos-lab runs: no lab database at ${dbPath}: run the lab first (npm start)\n`);
    return 1;
  }
  const db = openDatabase(dbPath);
  try {
    const runs = listRuns(db, options.limit);
    if (runs.length === 0) {
      io.out.write('no runs recorded yet: run the lab first (npm start)\n');
      return 0;
    }
    const header = ['run', 'started (UTC)', 'status', 'prompts', ...COUNTS, 'seed'];
    const rows = runs.map((r) => [
      r.runId,
      new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19),
      r.status,
      String(
        Math.max(
          r.promptsTotal,
          COUNTS.reduce((n, s) => n + r[s], 0),
        ),
      ),
      ...COUNTS.map((s) => String(r[s])),
      String(r.seed),
    ]);
    io.out.write(`${columns([header, ...rows])}\n`);
    return 0;
  } finally {
    db.close();
  }
}

/** Registers `runs [--limit N]` on the program. */
export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('list the runs in the lab database, latest first: id, start, status, prompts by status, seed')
    .option('--limit <n>', 'how many runs to list', '20')
    .action((opts: { limit: string }) => {
      process.exitCode = runRunsCommand({ limit: Number(opts.limit), settings: settings() });
    });
}

/**
 * `chaos-lab charts [--run ID]`: renders the charts and the report of a run from the lab database
 * (`LAB_DB_PATH`), and prints where they are. The latest run renders into `CHARTS_DIR`; an earlier
 * run into `CHARTS_DIR/runs/<ID>/`, so rendering it never overwrites the latest run's report.
 *
 * A missing database, a database with no run, or an unknown run id is a one-line message on stderr
 * and exit status 1: never a stack trace, never a half-drawn chart.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { createLogger, isLabError, openDatabase, settings, type Database, type Settings } from '@chaos-lab/common';
import { renderCharts } from '@chaos-lab/report';

/** Where the command writes: stdout for the paths, stderr for the one-line failure. */
export interface ChartsCommandIo {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
}

/**
 * The folder a run's charts go to: `chartsDir` for the latest run (or when no run is named),
 * `chartsDir/runs/<ID>` for an earlier one (characters outside [A-Za-z0-9._-] in the id become `_`).
 * @param db the lab database
 * @param chartsDir `CHARTS_DIR`
 * @param runId the run asked for; undefined = the latest
 */
export function chartsFolder(db: Database, chartsDir: string, runId: string | undefined): string {
  if (runId === undefined) return chartsDir;
  const latest = db.prepare('SELECT run_id AS runId FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1').get() as
    | { runId: string }
    | undefined;
  return latest?.runId === runId ? chartsDir : join(chartsDir, 'runs', runId.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/**
 * Runs the command.
 * @param options `runId` (undefined = latest run), `settings` (the database, charts folder and logs)
 * @param io where to print (default the process's stdout and stderr)
 * @returns the exit status: 0 when the charts were written, 1 otherwise
 */
export async function runChartsCommand(
  options: { runId?: string; settings: Settings },
  io: ChartsCommandIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const { LAB_DB_PATH: dbPath, CHARTS_DIR: chartsDir } = options.settings;
  const fail = (message: string) => {
    io.err.write(`chaos-lab charts: ${message}\n`);
    return 1;
  };
  if (options.runId !== undefined && options.runId.trim() === '') return fail('--run needs a run id');
  if (!existsSync(dbPath)) return fail(`no lab database at ${dbPath}: run the lab first (npm start)`);

  const logger = createLogger({ file: 'info', name: 'charts', settings: options.settings });
  let db: Database;
  try {
    // Read-write, so a database from an earlier lab version gains the attribution views it lacks
    // (migrations only add); the renderer itself only reads.
    db = openDatabase(dbPath);
  } catch (err) {
    return fail((err as Error).message);
  }
  try {
    const outDir = chartsFolder(db, chartsDir, options.runId);
    const result = await renderCharts({ db, runId: options.runId, outDir, logger });
    const shown = (path: string) => relative(process.cwd(), path) || path;
    const charts = result.files.filter((f) => f !== result.indexHtml && f !== result.summaryJson);
    io.out.write(
      [
        `charts of run ${result.runId} (${charts.length} files, ${result.renderMs} ms)`,
        `  report:  ${shown(result.indexHtml)}`,
        `  summary: ${shown(result.summaryJson)}`,
        ...charts.map((f) => `  ${shown(f)}`),
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    // Unexpected errors keep their stack in the log; the console gets one line either way.
    if (!isLabError(err, 'NOT_FOUND')) logger.error({ err }, 'charts failed');
    return fail((err as Error).message);
  } finally {
    db.close();
  }
}

/** Registers `charts [--run ID]` on the program. */
export function registerChartsCommand(program: Command): void {
  program
    .command('charts')
    .description(
      'render the charts and the report of a run from the lab database into CHARTS_DIR (an earlier run: CHARTS_DIR/runs/<ID>)',
    )
    .option('--run <id>', 'the run to chart (default: the latest run; list them with `chaos-lab runs`)')
    .action(async (opts: { run?: string }) => {
      process.exitCode = await runChartsCommand({ runId: opts.run, settings: settings() });
    });
}

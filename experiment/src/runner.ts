/**
 * `chaos-lab run experiments/NAME.yaml`: the baseline and each variant is one lab run (the launcher
 * behind `npm start`, given as {@link RunnerDeps.launch}), with the experiment's prompts, settings and
 * seed; the variant's faults are written as the run's fault plan before the run starts, and the
 * proxy-manager fires them. After each run its measures are checked against the hypothesis.
 *
 *   load + validate ──► plan ──► (--dry-run: stop) ──► baseline run ──► checks ──► variant runs ──►
 *   checks (× baseline) ──► verdict, journal (database + journal.json), report, JUnit ──► exit code
 *
 * Exit codes: 0 every check held; 1 a check deviated; 2 the experiment could not run (a bad file, a
 * lab run that failed); 130/143/129 when a signal stopped it (the launcher stops the run and rolls
 * every fault back; the journal says `interrupted`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshSeed, isLabError, loadSettings, newRunId, openDatabase } from '@chaos-lab/common';
import { round } from './checks.js';
import type { Experiment } from './file-schema.js';
import { recordEnd, recordRun, recordStart, type Journal, type Verdict } from './journal.js';
import { junitXml } from './junit.js';
import type { LaunchRequest } from './lab-launch.js';
import { loadExperiment } from './load.js';
import { planLines } from './plan.js';
import { experimentPrompts, writePromptsFile } from './prompts.js';
import { writeComparisonReport } from './report.js';
import { runOne, type PlannedRun } from './run-one.js';

/** What the runner needs. */
export interface RunnerDeps {
  /** Runs the lab once; resolves with the launcher's exit code (0 completed, 1 lab failed, 2 bad input, 128 + n on a signal). */
  readonly launch: (request: LaunchRequest) => Promise<number>;
  /** One console line. */
  readonly say: (line: string) => void;
  /** Clock, ms since the epoch (default Date.now). */
  readonly now?: () => number;
}

/** Options of one experiment. */
export interface RunOptions {
  readonly file: string;
  readonly dryRun?: boolean;
  /** Only this variant (the baseline always runs). */
  readonly variant?: string;
  readonly failFast?: boolean;
  /** Overrides the file's seed. */
  readonly seed?: number;
  /** Where to write JUnit XML. */
  readonly junit?: string;
}

/** Exit codes of `chaos-lab run`. */
export const EXPERIMENT_EXIT = { held: 0, deviated: 1, couldNotRun: 2 } as const;

/**
 * Runs an experiment (see the file comment).
 * @returns the exit code
 */
export async function runExperiment(options: RunOptions, deps: RunnerDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const { say } = deps;
  let experiment: Experiment;
  let source: string;
  let prompts: unknown[];
  try {
    ({ experiment, source } = loadExperiment(options.file));
    prompts = experimentPrompts(experiment, options.file);
    if (options.variant !== undefined && !experiment.variants.some((v) => v.name === options.variant)) {
      say(
        `chaos-lab: ${options.file}: no variant named "${options.variant}" (variants: ${experiment.variants.map((v) => v.name).join(', ')})`,
      );
      return EXPERIMENT_EXIT.couldNotRun;
    }
  } catch (err) {
    if (isLabError(err, 'EXPERIMENT_INVALID') || isLabError(err, 'PROMPTS_INVALID')) {
      for (const line of err.message.split('\n')) say(`chaos-lab: ${line}`);
      return EXPERIMENT_EXIT.couldNotRun;
    }
    throw err;
  }
  const seed = options.seed ?? experiment.seed ?? freshSeed();
  for (const line of planLines(experiment, options.file, seed, prompts.length, options.variant)) say(line);
  if (options.dryRun) {
    say('dry run: nothing started');
    return EXPERIMENT_EXIT.held;
  }

  const base = loadSettings();
  const startedAt = now();
  const experimentId = `exp-${newRunId(startedAt)}`;
  const dir = join(base.CHARTS_DIR, 'experiments', experimentId);
  mkdirSync(dir, { recursive: true });
  const promptsFile = writePromptsFile(dir, prompts);
  const journal: Journal = {
    experimentId,
    title: experiment.title,
    file: options.file,
    source,
    seed,
    startedAt,
    finishedAt: null,
    verdict: null,
    runs: [],
  };
  const db = openDatabase(base.LAB_DB_PATH);
  try {
    recordStart(db, journal);
    const runs: PlannedRun[] = [
      { variant: 'baseline', settings: experiment.baseline.settings, faults: [] },
      ...experiment.variants
        .filter((v) => options.variant === undefined || v.name === options.variant)
        .map((v) => ({ variant: v.name, settings: v.settings, faults: v.faults })),
    ];
    const baselineValues = new Map<number, number | null>();
    for (const [position, planned] of runs.entries()) {
      const run = await runOne(planned, {
        experiment,
        seed,
        promptsFile,
        dir,
        db,
        now,
        say,
        launch: deps.launch,
        baselineValues,
      });
      journal.runs.push(run);
      recordRun(db, experimentId, position, run);
      if (run.verdict === 'interrupted' || run.verdict === 'error') break;
      if (options.failFast && run.verdict === 'deviated') {
        say(`--fail-fast: stopping after ${planned.variant} deviated`);
        break;
      }
    }
    const verdicts = new Set(journal.runs.map((r) => r.verdict));
    const verdict: Verdict = verdicts.has('interrupted')
      ? 'interrupted'
      : verdicts.has('error')
        ? 'error'
        : verdicts.has('deviated')
          ? 'deviated'
          : 'held';
    journal.verdict = verdict;
    journal.finishedAt = now();
    const journalPath = recordEnd(db, journal, dir);
    const report = writeComparisonReport(dir, journal);
    if (options.junit)
      writeFileSync(
        options.junit,
        junitXml(
          experiment.title,
          journal.runs.map((r) => ({ ...r, durationMs: r.finishedAt - r.startedAt })),
        ),
      );
    say('');
    say(
      `verdict: ${verdict.toUpperCase()} (${journal.runs.length} run(s) in ${round((journal.finishedAt - startedAt) / 1000)} s)`,
    );
    say(`journal: ${journalPath}`);
    say(`report:  ${report}`);
    if (options.junit) say(`junit:   ${options.junit}`);
    if (verdict === 'interrupted') return journal.runs.at(-1)?.exitCode ?? 130;
    return verdict === 'held'
      ? EXPERIMENT_EXIT.held
      : verdict === 'deviated'
        ? EXPERIMENT_EXIT.deviated
        : EXPERIMENT_EXIT.couldNotRun;
  } finally {
    db.close();
  }
}

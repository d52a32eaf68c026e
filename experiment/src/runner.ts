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
import {
  freshSeed,
  isLabError,
  loadSettings,
  newRunId,
  openDatabase,
  SERVICES,
  toolEndpoint,
  formatEndpoint,
  writeFaultPlan,
  type Database,
  type Fault,
  type Settings,
} from '@chaos-lab/common';
import { checkLine, evaluateCheck, round } from './checks.js';
import type { Experiment } from './file-schema.js';
import {
  firedFaults,
  promptsNotCorrect,
  recordEnd,
  recordRun,
  recordStart,
  rollBackLeftovers,
  type Journal,
  type JournalRun,
  type Verdict,
} from './journal.js';
import { junitXml } from './junit.js';
import { loadExperiment, overridesEnv } from './load.js';
import { measure, type ServiceWrite } from './measures.js';
import { planLines } from './plan.js';
import { experimentPrompts, writePromptsFile } from './prompts.js';
import { writeComparisonReport } from './report.js';

/** One lab run, as the launcher makes it. */
export interface LaunchRequest {
  readonly settings: Settings;
  readonly runId: string;
  /** Called with the lab's database before any part starts. */
  readonly beforeRun: (db: Database, runId: string) => void;
  /** Called when the agent has finished, services still up. */
  readonly beforeStop: (runId: string) => Promise<void>;
  /** false: no charts and report for this run (default true). */
  readonly report?: boolean;
}

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

interface PlannedRun {
  readonly variant: string;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly faults: readonly Fault[];
}

/** Reads the writes that took effect at the services that write (calendar, message), from their `GET /writes`. */
export async function readWrites(settings: Settings): Promise<ServiceWrite[]> {
  const writes: ServiceWrite[] = [];
  for (const s of SERVICES.filter((x) => x.name === 'calendar' || x.name === 'message')) {
    const res = await fetch(`http://${formatEndpoint(toolEndpoint(s, settings))}/writes`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { writes: { scope: string; request_id: string | null }[] };
    for (const w of body.writes) writes.push({ service: s.name, scope: w.scope, requestId: w.request_id });
  }
  return writes;
}

/** Runs `fn` with `env` set in process.env (the children inherit it), restoring it after. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

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

interface RunContext {
  readonly experiment: Experiment;
  readonly seed: number;
  readonly promptsFile: string;
  readonly dir: string;
  readonly db: Database;
  readonly now: () => number;
  readonly say: (line: string) => void;
  readonly launch: RunnerDeps['launch'];
  /** Check index → the baseline's value; filled by the baseline run. */
  readonly baselineValues: Map<number, number | null>;
}

/** Runs one planned run (the baseline or a variant) and checks it. */
async function runOne(planned: PlannedRun, ctx: RunContext): Promise<JournalRun> {
  const { experiment, db, say } = ctx;
  const isBaseline = planned.faults.length === 0;
  // Only the plan's faults: no random toxic, no simulated 503, no LLM fault of LLM_FAULT_*, unless the file's settings ask for them.
  const env = overridesEnv(
    {
      TOXIC_PROB: 0,
      ERROR_PROB: 0,
      LLM_FAULT_PROB: 0,
      LLM_FAULT_CALLS: '',
      LLM_FAULT_PROMPTS: '',
      LLM_PROVIDER: experiment.model,
      CHAOS_SEED: ctx.seed,
      PROMPTS_FILE: ctx.promptsFile,
      CHARTS_DIR: join(ctx.dir, planned.variant),
    },
    experiment.settings,
    planned.settings,
  );
  const startedAt = ctx.now();
  const runId = newRunId(startedAt);
  say('');
  say(
    `── ${planned.variant} ─ run ${runId}${planned.faults.length ? `, faults ${planned.faults.map((f) => f.name).join(', ')}` : ', no faults'}`,
  );
  let writes: ServiceWrite[] = [];
  let writesError: string | undefined;
  const exitCode = await withEnv(env, () =>
    ctx.launch({
      settings: loadSettings(),
      runId,
      beforeRun: (labDb, id) => {
        if (planned.faults.length > 0) writeFaultPlan(labDb, id, { faults: [...planned.faults] });
      },
      beforeStop: async () => {
        try {
          writes = await readWrites(loadSettings());
        } catch (err) {
          writesError = (err as Error).message;
        }
      },
    }),
  );
  const rolledBack = rollBackLeftovers(db, runId, ctx.now());
  for (const r of rolledBack) say(`rollback: fault ${r.fault} on ${r.service} was still open after the run: closed`);
  const base = { variant: planned.variant, runId, exitCode, startedAt, settings: env, rolledBack };
  const recorded = db.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined;
  if (exitCode >= 128)
    return {
      ...base,
      finishedAt: ctx.now(),
      verdict: 'interrupted',
      faults: firedFaults(db, runId),
      promptsNotCorrect: [],
      checks: [],
      error: 'interrupted by a signal',
    };
  if (exitCode !== 0 || recorded?.status !== 'completed') {
    const error = `the lab run ${exitCode !== 0 ? `exited with code ${exitCode}` : `ended ${recorded?.status ?? 'unrecorded'}`}`;
    say(`chaos-lab: ${planned.variant}: ${error}; the experiment cannot be judged`);
    return {
      ...base,
      finishedAt: ctx.now(),
      verdict: 'error',
      faults: recorded ? firedFaults(db, runId) : [],
      promptsNotCorrect: [],
      checks: [],
      error,
    };
  }
  if (writesError)
    say(`chaos-lab: the services' writes could not be read (${writesError}): duplicate_side_effects has no value`);
  const faultNames = new Set(planned.faults.map((f) => f.name));
  const checks = experiment.hypothesis.map((check, index) => {
    const value = check.metric === 'duplicate_side_effects' && writesError ? null : measure(db, runId, check, writes);
    if (isBaseline) ctx.baselineValues.set(index, value);
    const applies = check.fault === undefined || faultNames.has(check.fault);
    return evaluateCheck(
      check,
      index,
      value,
      isBaseline ? undefined : (ctx.baselineValues.get(index) ?? null),
      applies,
    );
  });
  const model = {
    requests: (db.prepare('SELECT COUNT(*) AS n FROM model_calls WHERE run_id = ?').get(runId) as { n: number }).n,
    retries: measure(db, runId, { metric: 'model_retries' }, []) ?? 0,
    tokens: measure(db, runId, { metric: 'model_tokens' }, []),
  };
  say(`checks of ${planned.variant}:`);
  for (const c of checks) say(checkLine(c));
  say(
    `  model calls: ${model.requests} requests, ${model.retries} retries by the model client, ${model.tokens ?? 'no'} tokens reported`,
  );
  const verdict: Verdict = checks.some((c) => c.outcome === 'deviated') ? 'deviated' : 'held';
  say(`${planned.variant}: ${verdict} (${round((ctx.now() - startedAt) / 1000)} s)`);
  return {
    ...base,
    finishedAt: ctx.now(),
    verdict,
    faults: firedFaults(db, runId),
    promptsNotCorrect: promptsNotCorrect(db, runId),
    checks,
    model,
  };
}

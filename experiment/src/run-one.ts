/**
 * One run of an experiment (the baseline or a variant): its environment, the lab run with the
 * variant's faults as its fault plan, the rollback of leftovers, and its checks against the
 * hypothesis (a variant's against the baseline's values).
 */
import { join } from 'node:path';
import { loadSettings, newRunId, writeFaultPlan, type Database, type Fault } from '@chaos-lab/common';
import { checkLine, evaluateCheck, round } from './checks.js';
import type { Experiment } from './file-schema.js';
import { firedFaults, promptsNotCorrect, rollBackLeftovers, type JournalRun, type Verdict } from './journal.js';
import { readWrites, withEnv, type LaunchRequest } from './lab-launch.js';
import { overridesEnv } from './load.js';
import { duplicateWrites, type ServiceWrite } from './duplicates.js';
import { measure } from './measures.js';

/** A run the experiment plans: the variant's name, its settings and its faults (none: the baseline). */
export interface PlannedRun {
  readonly variant: string;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly faults: readonly Fault[];
}

/** What every run of an experiment shares. */
export interface RunContext {
  readonly experiment: Experiment;
  readonly seed: number;
  readonly promptsFile: string;
  readonly dir: string;
  readonly db: Database;
  readonly now: () => number;
  readonly say: (line: string) => void;
  readonly launch: (request: LaunchRequest) => Promise<number>;
  /** Check index → the baseline's value; filled by the baseline run. */
  readonly baselineValues: Map<number, number | null>;
}

/** Runs one planned run (the baseline or a variant) and checks it. */
export async function runOne(planned: PlannedRun, ctx: RunContext): Promise<JournalRun> {
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
  if (!writesError && experiment.hypothesis.some((c) => c.metric === 'duplicate_side_effects'))
    for (const d of duplicateWrites(db, runId, writes))
      say(
        `  written ${d.records.length} times in prompt ${d.promptIndex}: ${d.tool} at ${d.service} (${d.records.map((r) => r ?? 'no record id').join(', ')}${d.tiedBy === 'time' ? '; tied to the prompt by time' : ''})`,
      );
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

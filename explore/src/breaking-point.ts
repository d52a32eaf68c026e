/**
 * `chaos-lab breaking-point`: searches one toxic's attribute (or its toxicity) on one target for the
 * value where a hypothesis check stops holding, by bisection (bisect.ts) with repeated runs at each
 * step (step-rule.ts), over a small set of prompts (select-prompts.ts); records the result in
 * `breaking_points` and prints it with its interval and the runs behind each step.
 *
 *   prompts ──► for each step value v:  repeat i = 0..repeats-1: one lab run, seed + i, the plan
 *               "toxic T on the target's proxy from the run's first attempt to its last"
 *               ──► the check on each run ──► the rule: step failed?
 *           ──► last passing / first failing value ──► breaking_points row ──► console
 *
 * Determinism: the fault is planned, not random: a `first_attempts` trigger with K beyond any run's
 * attempts puts the toxic in place before the run's first attempt and keeps it to the end, so every
 * call to the target meets it (toxicity 1 unless toxicity is searched; a latency's jitter is 0).
 * The offline model is deterministic and the seed is the same for the same repeat of every step. What
 * is left is time: an attempt fails when it outlasts the agent's per-attempt timeout
 * (PROXY_TIMEOUT_MS), and within a few ms of it the machine's load decides. So a guard band (default
 * max(100 ms, 10 %) of PROXY_TIMEOUT_MS) is kept twice: on what is tested, a time attribute is never
 * tested within it of the timeout (the step moves to the band's nearer edge; when the rest of the
 * interval lies inside it the search says so); and on what was observed, a step holds only when the
 * p95 of its attempts' durations on the target stays below the timeout minus the band, else it is too
 * close to call (step-rule.ts) and the search goes on below it as below a failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  countCheckedPrompts,
  freshSeed,
  LabError,
  loadSettings,
  newRunId,
  openDatabase,
  publicSettings,
  TOXIC_ATTRIBUTES,
  TOXIC_TYPES,
  type Fault,
  type ServiceName,
  type ToxicType,
} from '@chaos-lab/common';
import { resolveProvider } from '@chaos-lab/agent';
import { evaluateCheck, measure, type Check } from '@chaos-lab/experiment';
import { settingsProfile } from '@chaos-lab/knowledge';
import { bisect, type AvoidedBand } from './bisect.js';
import {
  recordBreakingPoint,
  type BreakingPointRecord,
  type StepRecord,
  type StepRunRecord,
} from './breaking-point-record.js';
import { checkBound, parseCheckExpression } from './check-expr.js';
import { explorationEnv, runPlanned, type ExploreDeps } from './lab-run.js';
import { selectPrompts, type PromptSelection } from './select-prompts.js';
import { attemptTimes } from './attempt-times.js';
import { summaryLine, UNITS, VERDICT_WORDS, withUnit } from './breaking-point-words.js';
import { judgeStep, type StepRule, type StepRun } from './step-rule.js';

/** What to search. */
export interface BreakingPointOptions {
  readonly target: ServiceName;
  readonly toxic: ToxicType;
  /** One of the toxic's attributes, or `toxicity`. */
  readonly attribute: string;
  readonly stream: 'upstream' | 'downstream';
  /** The value expected to hold, and the one expected to fail (in the attribute's unit). */
  readonly from: number;
  readonly to: number;
  /** At most this many steps. */
  readonly steps: number;
  /** Grid of tested values (default 1, or 0.01 for toxicity). */
  readonly resolution?: number;
  /** Runs per step (repeat i uses seed + i). */
  readonly repeats: number;
  readonly rule: StepRule;
  /** The check, e.g. `prompt_success_rate >= 0.8`. */
  readonly check: string;
  readonly seed?: number;
  readonly prompts: PromptSelection;
  /** Settings of every run (e.g. PROXY_TIMEOUT_MS), as environment text. */
  readonly settings: Readonly<Record<string, string>>;
  /**
   * The guard band, ms (default max(100, 10 %) of PROXY_TIMEOUT_MS; 0: none): a time attribute is never
   * tested within it of PROXY_TIMEOUT_MS, and a step whose attempts' p95 comes within it of the timeout
   * does not count as held.
   */
  readonly guardMs?: number;
}

/**
 * Checks the options.
 * @throws {LabError} `VALIDATION` naming the option, the value and what is allowed
 */
function validate(o: BreakingPointOptions, check: Check): void {
  const bad = (m: string) => new LabError('VALIDATION', m);
  if (!(TOXIC_TYPES as readonly string[]).includes(o.toxic))
    throw bad(`--toxic ${o.toxic}: must be one of ${TOXIC_TYPES.join(', ')}`);
  const allowed = [...TOXIC_ATTRIBUTES[o.toxic], 'toxicity'];
  if (!allowed.includes(o.attribute))
    throw bad(`--attribute ${o.attribute}: not an attribute of ${o.toxic} (${allowed.join(', ')})`);
  for (const [name, v] of [
    ['--from', o.from],
    ['--to', o.to],
  ] as const) {
    if (!Number.isFinite(v) || v < 0 || (o.attribute === 'toxicity' && v > 1))
      throw bad(`${name} ${v}: must be a number ≥ 0${o.attribute === 'toxicity' ? ' and ≤ 1' : ''}`);
  }
  if (o.from === o.to) throw bad('--from and --to must differ');
  if (o.rule === 'wilson' && !(check.metric === 'prompt_success_rate' && check.atLeast !== undefined))
    throw bad('--rule wilson: only for a check "prompt_success_rate >= N"');
}

/** The planned fault of one step: the toxic at `value`, on the target, for the whole run. */
export function stepFault(
  o: Pick<BreakingPointOptions, 'target' | 'toxic' | 'attribute' | 'stream'>,
  value: number,
): Fault {
  const attributes: Record<string, number> = o.toxic === 'latency' ? { jitter: 0 } : {};
  if (o.attribute !== 'toxicity') attributes[o.attribute] = value;
  return {
    kind: 'toxic',
    name: `breaking-${o.toxic}`,
    type: o.toxic,
    stream: o.stream,
    toxicity: o.attribute === 'toxicity' ? value : 1,
    attributes,
    targets: [o.target],
    // K beyond any run's attempts: in place before the first attempt, to the end of the run.
    trigger: { kind: 'first_attempts', k: 1_000_000 },
  };
}

/**
 * Runs the search (see the file comment) and prints it.
 * @returns the exit code: 0 the search ran (whatever it found), 2 a lab run that failed, 128 + n when a
 *   signal stopped a run (the steps done are recorded in every case)
 * @throws {LabError} `VALIDATION`, `SETTINGS_INVALID`, `PROMPTS_INVALID` on bad input, before any run
 */
export async function findBreakingPoint(o: BreakingPointOptions, deps: ExploreDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const { say } = deps;
  const check = parseCheckExpression(o.check);
  validate(o, check);
  const { op, bound } = checkBound(check);
  const overrides = { LLM_PROVIDER: 'offline', ...o.settings };
  const inForce = loadSettings({ ...process.env, ...overrides });
  // The settings profile the step runs are made under: the knowledge keys their evidence by it.
  const profile = settingsProfile(publicSettings(inForce), resolveProvider(inForce).label);
  const prompts = selectPrompts(o.target, o.prompts);
  const seed = o.seed ?? freshSeed();
  const unit = UNITS[o.attribute] ?? '';
  const timeoutMs = inForce.PROXY_TIMEOUT_MS;
  const guard = o.guardMs ?? Math.max(100, Math.round(timeoutMs * 0.1));
  const avoid: AvoidedBand | undefined =
    unit === 'ms' && guard > 0
      ? {
          low: timeoutMs - guard,
          high: timeoutMs + guard,
          reason: `within ${guard} ms of PROXY_TIMEOUT_MS=${timeoutMs}`,
        }
      : undefined;
  const startedAt = now();
  const dir = join(inForce.CHARTS_DIR, 'breaking-points', newRunId(startedAt));
  mkdirSync(dir, { recursive: true });
  const promptsFile = join(dir, 'prompts.json');
  writeFileSync(
    promptsFile,
    `${JSON.stringify(
      prompts.map((p) => p.entry),
      null,
      2,
    )}\n`,
  );

  say(
    `breaking point of ${o.attribute} (${o.toxic} toxic, ${o.stream}) on ${o.target}: ${withUnit(o.from, unit)} → ${withUnit(o.to, unit)}`,
  );
  say(
    `check ${o.check}; rule ${o.rule}, ${o.repeats} run(s) per step, at most ${o.steps} step(s); seed ${seed} (repeat with --seed ${seed})`,
  );
  say(`prompts (${prompts.length}): ${prompts.map((p) => p.label).join(', ')}`);
  say(`settings profile ${profile.id}: ${profile.label} (chaos-lab knowledge keeps the steps' evidence under it)`);
  if (avoid)
    say(
      `never tested: ${withUnit(avoid.low, unit)}–${withUnit(avoid.high, unit)} (${avoid.reason}: there the machine's load decides)`,
    );
  if (guard > 0)
    say(
      `a step holds only when the p95 of its attempts on ${o.target} stays below ${timeoutMs - guard} ms (PROXY_TIMEOUT_MS=${timeoutMs} − ${guard} ms): nearer, it is too close to call`,
    );

  const db = openDatabase(inForce.LAB_DB_PATH);
  const steps: StepRecord[] = [];
  let status: BreakingPointRecord['status'];
  let lastPass: number | null = null;
  let firstFail: number | null = null;
  let stoppedBy = '';
  let exitCode = 0;
  try {
    try {
      const result = await bisect(
        {
          from: o.from,
          to: o.to,
          steps: o.steps,
          resolution: o.resolution ?? (unit === 'probability' ? 0.01 : 1),
          avoid,
        },
        async (value) => {
          const runs: StepRunRecord[] = [];
          const ruled: StepRun[] = [];
          for (let i = 0; i < o.repeats; i++) {
            const env = explorationEnv(seed + i, promptsFile, dir, overrides);
            const run = await runPlanned({ env, faults: [stepFault(o, value)] }, deps.launch, db, now);
            if (run.exitCode !== 0 || run.status !== 'completed') {
              runs.push({ runId: run.runId, seed: seed + i, value: null, outcome: 'error' });
              steps.push({
                value,
                failed: false,
                verdict: 'error',
                attemptP95Ms: null,
                why: `run ${run.runId} ${run.exitCode !== 0 ? `exited with code ${run.exitCode}` : `ended ${run.status}`}`,
                runs,
              });
              throw new LabError(
                'INTERNAL',
                `the lab run ${run.runId} at ${withUnit(value, unit)} ${run.exitCode !== 0 ? `exited with code ${run.exitCode}` : `ended ${run.status ?? 'unrecorded'}`}; the search cannot go on`,
                { details: { exitCode: run.exitCode } },
              );
            }
            const metric = measure(db, run.runId, check, run.writes ?? []);
            const outcome = evaluateCheck(check, 0, metric, undefined).outcome === 'held' ? 'held' : 'deviated';
            runs.push({ runId: run.runId, seed: seed + i, value: metric, outcome });
            ruled.push({ outcome, ...countCheckedPrompts(db, run.runId) });
          }
          const timing = attemptTimes(
            db,
            runs.map((r) => r.runId),
            o.target,
          );
          const { verdict, why } = judgeStep(o.rule, ruled, bound, { ...timing, timeoutMs, guardMs: guard });
          steps.push({ value, failed: verdict === 'failed', verdict, attemptP95Ms: timing.attemptP95Ms, why, runs });
          say(
            `  step ${steps.length}: ${withUnit(value, unit).padEnd(12)} ${VERDICT_WORDS[verdict].padEnd(9)} ${why}; ${check.metric} ${runs.map((r) => r.value ?? '–').join(', ')}; run(s) ${runs.map((r) => r.runId).join(', ')}`,
          );
          // A step too close to call is no evidence that the check holds there: the search goes on
          // below it, as below a failure, and the answer names it as such.
          return { failed: verdict !== 'held', detail: runs };
        },
      );
      ({ lastPass, firstFail, stoppedBy } = result);
      status = lastPass !== null && firstFail !== null ? 'found' : firstFail === null ? 'holds' : 'fails';
    } catch (err) {
      if (!(err instanceof LabError) || err.code !== 'INTERNAL') throw err;
      say(`chaos-lab: ${err.message}`);
      status = 'error';
      // A signal stopped the run (Ctrl-C): the search ends with the launcher's code, 128 + n.
      const code = (err.details as { exitCode?: number } | undefined)?.exitCode ?? 0;
      if (code >= 128) exitCode = code;
    }
    const row: BreakingPointRecord = {
      startedAt,
      finishedAt: now(),
      target: o.target,
      toxicType: o.toxic,
      stream: o.stream,
      attribute: o.attribute,
      unit,
      from: o.from,
      to: o.to,
      checkText: o.check,
      metric: check.metric,
      op,
      bound,
      rule: o.rule,
      repeats: o.repeats,
      seed,
      promptIds: prompts.map((p) => p.label),
      settings: overrides,
      settingsProfile: profile.id,
      lastPass,
      firstFail,
      status,
      steps,
    };
    const id = recordBreakingPoint(db, row);
    say('');
    say(summaryLine(row));
    if (stoppedBy) say(`stopped: ${stoppedBy}`);
    say(
      `recorded: breaking_points id ${id} in ${inForce.LAB_DB_PATH}; ${steps.reduce((n, s) => n + s.runs.length, 0)} run(s) in ${((row.finishedAt - startedAt) / 1000).toFixed(1)} s`,
    );
    return exitCode !== 0 ? exitCode : status === 'error' ? 2 : 0;
  } finally {
    db.close();
  }
}

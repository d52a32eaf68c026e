/**
 * How a step of a breaking-point search came out, from its repeated runs and the attempt times they
 * observed (docs/learning.md, "Breaking points"):
 *
 * The rule says whether the check failed:
 * - `majority`: more than half of the step's runs deviated from the check (a tie holds);
 * - `wilson`: for `prompt_success_rate ≥ bound` only: the checked prompts of all the step's runs are
 *   pooled (correct / checked) and the step fails when the whole 95 % Wilson score interval lies below
 *   the bound, i.e. the success rate is below it with confidence (knowledge/src/wilson.ts).
 *
 * The guard band then says whether a step that did not fail held by a margin or by the machine's
 * timing: an attempt fails when it outlasts the agent's per-attempt timeout (PROXY_TIMEOUT_MS), so a
 * step whose attempts on the target took nearly that long held only because the machine was fast
 * enough that time. A step holds when the nearest-rank p95 of the durations of its attempts on the
 * target (through the proxy) stays below the timeout minus the guard band; otherwise it is
 * `too_close` to call. (A latency of 850 ms outside a 900–1100 ms band on the attribute still gives
 * attempts of 934–976 ms once the service's own time is added: the band belongs on what was observed.)
 */
import { wilsonInterval } from '@chaos-lab/knowledge';

/** The rules by name. */
export const STEP_RULES = ['majority', 'wilson'] as const;
/** A rule's name. */
export type StepRule = (typeof STEP_RULES)[number];

/** One run of a step as the rule sees it. */
export interface StepRun {
  readonly outcome: 'held' | 'deviated';
  /** Correct prompts of the run. */
  readonly correct: number;
  /** Checked prompts of the run (the record's rule: common/src/record/prompt-status.ts). */
  readonly checked: number;
}

/** What a step's runs observed of time, against the timeout. */
export interface StepTiming {
  /** Nearest-rank p95 of the durations of the step's attempts on the target through its proxy, ms; null without one. */
  readonly attemptP95Ms: number | null;
  /** How many attempts that p95 is of. */
  readonly attempts: number;
  /** The agent's per-attempt timeout, PROXY_TIMEOUT_MS, ms. */
  readonly timeoutMs: number;
  /** The guard band, ms (0: off, every step that did not fail held). */
  readonly guardMs: number;
}

/** A step's verdict: it held by a margin, it failed the check, or it held too near the timeout to say. */
export type StepVerdict = 'held' | 'failed' | 'too_close';

/**
 * Whether the check failed under `rule`, with the reason in words.
 * @param bound the check's bound (wilson: the success rate the step must reach)
 */
export function stepFailed(rule: StepRule, runs: readonly StepRun[], bound: number): { failed: boolean; why: string } {
  if (rule === 'majority') {
    const deviated = runs.filter((r) => r.outcome === 'deviated').length;
    return { failed: deviated * 2 > runs.length, why: `${deviated} of ${runs.length} run(s) deviated` };
  }
  const correct = runs.reduce((s, r) => s + r.correct, 0);
  const checked = runs.reduce((s, r) => s + r.checked, 0);
  // No checked prompt: nothing is known, the interval is all of [0, 1].
  const { low, high } = wilsonInterval(correct, checked) ?? { low: 0, high: 1 };
  const interval = `${correct}/${checked} correct, 95 % Wilson [${low.toFixed(2)}, ${high.toFixed(2)}]`;
  return { failed: high < bound, why: `${interval} ${high < bound ? '<' : 'reaches'} ${bound}` };
}

/**
 * The step's verdict (see the file comment).
 * @returns the verdict and its reason: the rule's, then the attempt times against the timeout
 */
export function judgeStep(
  rule: StepRule,
  runs: readonly StepRun[],
  bound: number,
  timing: StepTiming,
): { verdict: StepVerdict; why: string } {
  const { failed, why } = stepFailed(rule, runs, bound);
  if (failed) return { verdict: 'failed', why };
  const { attemptP95Ms: p95, timeoutMs, guardMs } = timing;
  if (guardMs <= 0) return { verdict: 'held', why };
  if (p95 === null) return { verdict: 'held', why: `${why}; no attempt on the target` };
  const limit = timeoutMs - guardMs;
  const times = `attempt p95 ${Math.round(p95)} ms of ${timing.attempts}`;
  return p95 < limit
    ? { verdict: 'held', why: `${why}; ${times} < ${limit} ms` }
    : {
        verdict: 'too_close',
        why: `${why}, but ${times} ≥ ${limit} ms, within ${guardMs} ms of PROXY_TIMEOUT_MS=${timeoutMs}: held by the machine's timing`,
      };
}

/**
 * When a step of a breaking-point search counts as failing, from its repeated runs:
 * - `majority`: more than half of the step's runs deviated from the check (a tie holds);
 * - `wilson`: for `prompt_success_rate ≥ bound` only: the checked prompts of all the step's runs are
 *   pooled (correct / checked) and the step fails when the whole 95 % Wilson score interval lies below
 *   the bound, i.e. the success rate is below it with confidence (E. B. Wilson, "Probable inference,
 *   the law of succession, and statistical inference", JASA 22, 1927; z = 1.96).
 */

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

/**
 * The Wilson score interval of a proportion.
 * @param successes successes, 0 ≤ successes ≤ n
 * @param n trials; with n = 0 the interval is [0, 1] (nothing known)
 * @param z the normal quantile (1.96: 95 %)
 * @returns `{ low, high }`, both in [0, 1]
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Whether a step failed under `rule`, with the reason in words.
 * @param bound the check's bound (wilson: the success rate the step must reach)
 */
export function stepFailed(rule: StepRule, runs: readonly StepRun[], bound: number): { failed: boolean; why: string } {
  if (rule === 'majority') {
    const deviated = runs.filter((r) => r.outcome === 'deviated').length;
    return { failed: deviated * 2 > runs.length, why: `${deviated} of ${runs.length} run(s) deviated` };
  }
  const correct = runs.reduce((s, r) => s + r.correct, 0);
  const checked = runs.reduce((s, r) => s + r.checked, 0);
  const { low, high } = wilsonInterval(correct, checked);
  const interval = `${correct}/${checked} correct, 95 % Wilson [${low.toFixed(2)}, ${high.toFixed(2)}]`;
  return { failed: high < bound, why: `${interval} ${high < bound ? '<' : 'reaches'} ${bound}` };
}

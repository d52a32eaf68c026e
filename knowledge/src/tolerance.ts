/**
 * The tolerance an experiment set for a run's prompt success rate, as the knowledge judges bands with
 * it (profiles.ts): a share of checked prompts, 0–1.
 *
 * An absolute check (`atLeast: 0.8`) is its bound. A relative one (`atLeast: { baseline: f }`, "no
 * worse than the run without faults") is resolved against the baseline's measurement: f × the low end
 * of the baseline's 95% Wilson interval, the rate the baseline is shown to reach. Its point value would
 * not do: a baseline with 5 of 5 correct would make `{ baseline: 1 }` a tolerance of 100 %, which no
 * finite evidence can show held (a Wilson low end is below 1 for every n). Resolved so, a band held
 * when its own interval clears what the baseline is known to reach (docs/learning.md, "Verdicts").
 */
import { wilsonInterval } from './wilson.js';

/** A prompt_success_rate `atLeast` check of an experiment on one run, as `experiment_checks` holds it. */
export interface SuccessCheck {
  readonly experimentId: string;
  /** The check's bound as the experiment compared it (for a relative check: factor × the baseline's value); null when it could not. */
  readonly bound: number | null;
  /** The check's tolerance text (experiment/src/checks.ts): `≥ 0.8`, or `≥ 1 × baseline (1)` for a relative one. */
  readonly tolerance: string;
  /** The experiment's baseline run: its correct and checked prompts; null when it has none. */
  readonly baseline: { readonly correct: number; readonly checked: number } | null;
}

/** A resolved tolerance and where it came from, in words. */
export interface ResolvedTolerance {
  /** 0–1. */
  readonly value: number;
  /** e.g. `experiment e1: ≥ 1 × baseline; baseline 5/5 correct, Wilson low end 57%`. */
  readonly source: string;
}

/** A relative tolerance text (experiment/src/checks.ts writes `≥ <factor> × baseline …`). */
const RELATIVE = /^≥\s*([0-9.eE+-]+)\s*× baseline/;

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Resolves one check (see the file comment).
 * @returns the tolerance, or null when the check gives none (no bound: not applied to the run; a relative
 *   check whose baseline has no checked prompt)
 */
export function resolveTolerance(check: SuccessCheck): ResolvedTolerance | null {
  const relative = RELATIVE.exec(check.tolerance);
  if (relative === null) {
    if (check.bound === null) return null;
    return { value: check.bound, source: `experiment ${check.experimentId}: ≥ ${check.bound}` };
  }
  // No bound: the check was not applied (on the baseline run itself a relative check is skipped).
  if (check.bound === null) return null;
  const factor = Number(relative[1]);
  const interval = check.baseline === null ? null : wilsonInterval(check.baseline.correct, check.baseline.checked);
  if (!Number.isFinite(factor) || interval === null || check.baseline === null) return null;
  const value = Math.min(1, factor * interval.low);
  return {
    value,
    source: `experiment ${check.experimentId}: ≥ ${factor} × baseline; baseline ${check.baseline.correct}/${check.baseline.checked} correct, Wilson low end ${pct(interval.low)}`,
  };
}

/**
 * The strictest of a run's resolved tolerances (the highest).
 * @returns null when none resolves
 */
export function strictestTolerance(checks: readonly SuccessCheck[]): ResolvedTolerance | null {
  let best: ResolvedTolerance | null = null;
  for (const check of checks) {
    const t = resolveTolerance(check);
    if (t !== null && (best === null || t.value > best.value)) best = t;
  }
  return best;
}

/**
 * The Wilson score interval of a binomial proportion (E. B. Wilson, "Probable inference, the law of
 * succession, and statistical inference", JASA 22 (1927) 209–212), the interval the knowledge gives
 * every success rate. Unlike the normal ("Wald") interval it stays inside [0, 1] and keeps a sensible
 * width at 0 or n successes, which is where a chaos lab's small samples live.
 *
 *   p̂ = k / n        centre = (p̂ + z²/2n) / (1 + z²/n)
 *                    half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
 */

/** z of a two-sided 95% interval (the normal distribution's 0.975 quantile). */
export const Z_95 = 1.959963984540054;

/** An interval of a proportion, both ends in [0, 1]. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * The Wilson score interval of `successes` out of `trials`.
 * @param successes k, an integer 0 ≤ k ≤ n
 * @param trials n, an integer ≥ 0
 * @param z the normal quantile of the confidence level (default {@link Z_95}, 95% two-sided)
 * @returns the interval, or null when there is no trial (nothing is known)
 * @throws {RangeError} when k or n is not a whole number, or k > n
 */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval | null {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: need whole numbers 0 ≤ successes ≤ trials, got ${successes} of ${trials}`);
  }
  if (trials === 0) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // Clamp float noise: at k = 0 or k = n one end is exactly 0 or 1.
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

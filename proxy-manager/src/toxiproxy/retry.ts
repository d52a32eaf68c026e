/**
 * Bounded retry with exponential backoff, for calls to a dependency that may be briefly down.
 */

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Attempts in all, at least 1 (1 = no retry). */
  readonly attempts: number;
  /** Wait before the second attempt, ms; doubled before each later one. */
  readonly baseDelayMs: number;
  /** Upper bound of one wait, ms. */
  readonly maxDelayMs: number;
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed: `min(maxDelayMs, baseDelayMs · 2^(attempt-1))`.
 * @param attempt the 1-based attempt that just failed
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * Runs `call` until it resolves, it throws an error `retryable` rejects, or the attempts are spent.
 * @param call the operation; receives the 1-based attempt number
 * @param options the policy, `retryable(err)` (true: worth another attempt), `sleep` (the injected
 *   clock's), and `onRetry` called before each wait (for logs)
 * @returns what `call` resolved with
 * @throws the last error `call` threw
 */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryPolicy & {
    retryable(err: unknown): boolean;
    sleep(delayMs: number): Promise<void>;
    onRetry?(err: unknown, attempt: number, delayMs: number): void;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (err) {
      if (attempt >= options.attempts || !options.retryable(err)) throw err;
      const delayMs = backoffDelayMs(options, attempt);
      options.onRetry?.(err, attempt, delayMs);
      await options.sleep(delayMs);
    }
  }
}

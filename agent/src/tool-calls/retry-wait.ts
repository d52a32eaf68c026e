/**
 * How long a careful client waits before retrying a tool call: an exponential backoff
 * with full jitter, stretched to the server's `Retry-After` on 429 and 503, never longer than a cap.
 *
 *   retry n (n = 1 before the 2nd attempt)   ceiling = min(TOOL_BACKOFF_MAX_MS, TOOL_BACKOFF_BASE_MS · 2^(n−1))
 *                                            backoff = jitter · ceiling          jitter uniform in [0, 1)
 *   after a 429 or 503 with Retry-After R    wait    = min(TOOL_BACKOFF_MAX_MS, max(backoff, R))
 *   otherwise                                wait    = backoff
 *
 * Full jitter is the "Full Jitter" of M. Brooker, "Exponential Backoff And Jitter", AWS Architecture
 * Blog (2015): retries of many clients spread over the whole window instead of landing together (and
 * a retry does not fire at once into the same toxic window). `Retry-After` is RFC 9110 §10.2.3
 * (delay-seconds or an HTTP-date); a server asking for more than `TOOL_BACKOFF_MAX_MS` gets the cap,
 * so one answer cannot park a prompt, whose own deadline (`PROMPT_TIMEOUT_MS`) bounds every wait anyway.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** The backoff settings a wait reads. */
export interface BackoffPolicy {
  /** Ceiling of the first retry's wait, ms (`TOOL_BACKOFF_BASE_MS`); it doubles with each retry. */
  readonly backoffBaseMs: number;
  /** Longest wait before any retry, ms (`TOOL_BACKOFF_MAX_MS`): caps the backoff and `Retry-After`. */
  readonly backoffMaxMs: number;
}

/** HTTP statuses whose `Retry-After` is honoured: 429 Too Many Requests, 503 Service Unavailable. */
export const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The wait before retry `retry`.
 * @param retry 1 for the wait before the second attempt, 2 before the third, …
 * @param policy base and cap, ms
 * @param jitter a float in [0, 1) from the caller's seeded source
 * @param retryAfterMs the previous answer's `Retry-After` in ms, when it is to be honoured; else null
 * @returns whole ms, in [0, `backoffMaxMs`]
 */
export function retryWaitMs(retry: number, policy: BackoffPolicy, jitter: number, retryAfterMs: number | null): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, retry - 1));
  const backoff = Math.floor(Math.min(Math.max(jitter, 0), 1) * ceiling);
  return retryAfterMs === null ? backoff : Math.min(policy.backoffMaxMs, Math.max(backoff, Math.ceil(retryAfterMs)));
}

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3).
 * @param value the header: delay-seconds (`120`) or an HTTP-date (`Wed, 21 Oct 2026 07:28:00 GMT`)
 * @param nowMs the clock, ms since the epoch, for a date
 * @returns ms to wait (0 for a date already past), or null when absent or not valid
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // A date needs letters (a month or day name); this keeps `1.5` or `-3` from parsing as years.
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Waits `ms` unless `signal` fires first.
 * @returns true when the whole wait passed; false when the signal fired (at once if already aborted)
 */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

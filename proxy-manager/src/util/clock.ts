/**
 * Time and timers, injected into every part of the proxy-manager that waits or stamps a time, so a
 * test can drive them and the chaos loop never reads the wall clock behind its caller's back.
 */

/** A time source and timer factory. */
export interface Clock {
  /** Milliseconds since the epoch (UTC). */
  now(): number;
  /**
   * Calls `fn` once after `delayMs` milliseconds.
   * @returns a function that cancels the call (a no-op once it has run)
   */
  setTimeout(fn: () => void, delayMs: number): () => void;
  /** Resolves after `delayMs` milliseconds. */
  sleep(delayMs: number): Promise<void>;
}

/** The real clock: `Date.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, delayMs) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
  sleep: (delayMs) => new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs))),
};

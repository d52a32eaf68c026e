/**
 * The clock the data path runs on: a monotonic time in milliseconds and one-shot timers at absolute
 * deadlines. Injected so tests and replays can substitute it; {@link systemClock} is the real one.
 */

/** A scheduled callback; cancel it with {@link Clock.cancel}. */
export interface TimerHandle {
  /** True once fired or cancelled. */
  readonly done: boolean;
}

/** Monotonic time and deadline timers. */
export interface Clock {
  /** Milliseconds on a monotonic clock (fractional). */
  now(): number;
  /**
   * Runs `fn` once at `deadlineMs` (in {@link now}'s time), never before it and never synchronously
   * (a deadline already past runs on the next event-loop turn). `precise` timers finish the
   * last millisecond on the event loop instead of relying on the ms-granular timer, so they land within
   * a fraction of a millisecond (at the cost of ≤ 1.5 ms of polling each); plain ones may be ~1 ms late.
   */
  at(deadlineMs: number, fn: () => void, options?: { precise?: boolean }): TimerHandle;
  /** Cancels a timer; harmless on a finished one. */
  cancel(handle: TimerHandle | undefined): void;
}

/** Longest single `setTimeout` Node accepts (2^31 - 1 ms); longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;
/** Below this much remaining time a precise timer polls instead of sleeping. */
const SPIN_WINDOW_MS = 1.5;

class Timer implements TimerHandle {
  done = false;
  timeout: NodeJS.Timeout | undefined;
  immediate: NodeJS.Immediate | undefined;

  constructor(
    readonly deadline: number,
    readonly fn: () => void,
    readonly precise: boolean,
  ) {}
}

function arm(timer: Timer): void {
  if (timer.done) return;
  const remaining = timer.deadline - performance.now();
  if (remaining <= 0) {
    timer.done = true;
    timer.fn();
    return;
  }
  if (timer.precise && remaining < SPIN_WINDOW_MS) {
    timer.immediate = setImmediate(arm, timer);
    return;
  }
  // Node timers count from the event loop's cached (integer-ms) time, so they can fire up to ~1 ms
  // early: every firing re-checks the real time and re-arms for what is left.
  const wait = timer.precise ? remaining - SPIN_WINDOW_MS + 0.5 : remaining;
  timer.timeout = setTimeout(arm, Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.floor(wait))), timer);
}

/** The real clock: `performance.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  at(deadlineMs, fn, options) {
    const timer = new Timer(deadlineMs, fn, options?.precise ?? false);
    if (deadlineMs <= performance.now()) timer.immediate = setImmediate(arm, timer);
    else arm(timer);
    return timer;
  },
  cancel(handle) {
    if (!(handle instanceof Timer) || handle.done) return;
    handle.done = true;
    if (handle.timeout) clearTimeout(handle.timeout);
    if (handle.immediate) clearImmediate(handle.immediate);
  },
};

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
   * (a deadline already past runs on the next event-loop turn). The real clock lands within about
   * 1 ms after the deadline on an idle machine (Node timers count whole milliseconds).
   */
  at(deadlineMs: number, fn: () => void): TimerHandle;
  /** Cancels a timer; harmless on a finished one. */
  cancel(handle: TimerHandle | undefined): void;
}

/** Longest single `setTimeout` Node accepts (2^31 - 1 ms); longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

class Timer implements TimerHandle {
  done = false;
  timeout: NodeJS.Timeout | undefined;
  immediate: NodeJS.Immediate | undefined;

  constructor(
    readonly deadline: number,
    readonly fn: () => void,
  ) {}
}

/**
 * Sleeps until the deadline in the event loop's poll, the wait rounded up to whole milliseconds (Node
 * timers count whole ms), and never polls. An earlier version woke 1–2 ms early and polled with
 * `setImmediate` up to the deadline: within 0.1 ms on an idle machine, but every release kept the
 * process running (and burning CPU) for those last milliseconds, and on a loaded machine a process
 * that keeps running loses the CPU to its busy neighbours at the end of its time slice, the likeliest
 * reason its releases came late: with two busy loops beside the benchmark, a 100 ms upstream latency
 * toxic measured +6.8 ms at p50 against +18.9 ms polling (same run). Toxiproxy's Go runtime sleeps in
 * its poller the same way. On an idle machine the rounding costs up to ~1 ms.
 */
function arm(timer: Timer): void {
  if (timer.done) return;
  const remaining = timer.deadline - performance.now();
  if (remaining <= 0) {
    timer.done = true;
    timer.fn();
    return;
  }
  // Rounding up keeps the timer from firing early; should it still (a clock step), it re-arms for the rest.
  timer.timeout = setTimeout(arm, Math.min(MAX_TIMEOUT_MS, Math.ceil(remaining)), timer);
}

/** The real clock: `performance.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  at(deadlineMs, fn) {
    const timer = new Timer(deadlineMs, fn);
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

/**
 * What makes an in-place fault (`call`, `prompt`, `first_attempts`, `random` with a `tool`) land on
 * exactly the attempts its trigger names, also when the agent sends several at once (see
 * docs/experiments.md#how-the-faults-are-coordinated):
 *
 *   named attempt announced ──► wait until the attempts in flight on its service have ended
 *        ──► fault in place ──► ack ──► attempt sent ──► its end reported ──► fault removed ──► release
 *   other attempt announced to that service meanwhile ──► held until the release (its wait recorded)
 *
 * Only an announcer that reports its attempts' ends (`holdMaxMs` in its announcements, the lab's
 * agent) is held or waited for; a hold lasts at most its `holdMaxMs`, after which the attempt goes
 * ahead (logged), so an agent that died with an attempt in flight stops nothing for long.
 */
import type { Clock } from '../util/clock.js';

/** The attempt id the agent sends as `X-Request-Id` and records in `tool_calls`: `<call id>#<attempt>`. */
export function attemptId(a: { readonly callId: string; readonly attempt: number }): string {
  return `${a.callId}#${a.attempt}`;
}

/** A held slot's state: set when it fires (or is reserved to fire), until the fault is removed. */
export interface SlotHold {
  /** Settles once the fault is removed, or the slot gave up firing. */
  readonly released: Promise<void>;
  release(): void;
  /** Why the slot ends once no reported attempt is in flight on its service any more (undefined: not ending). */
  ending?: string;
  /**
   * Attempt ids acknowledged while the fault was in place, with whether each was sent (undefined: its
   * end is not reported yet).
   */
  readonly touched: Map<string, boolean | undefined>;
}

/** A new hold. */
export function newHold(): SlotHold {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release, touched: new Map() };
}

/** The attempt ids a hold's fault touched: acknowledged while in place and not reported unsent. */
export function touchedIds(hold: SlotHold): string[] {
  return [...hold.touched].filter(([, sent]) => sent !== false).map(([id]) => id);
}

interface QuietWaiter {
  readonly service: string;
  readonly resolve: () => void;
}

/** Attempts acknowledged and not yet reported ended, by service; each counts until its `expiresAt`. */
export class AttemptsInFlight {
  readonly #attempts = new Map<string, { service: string; expiresAt: number }>();
  #waiters: QuietWaiter[] = [];

  /** Adds an acknowledged attempt (`key`: run and attempt id) of `service`, counted until `expiresAt` (ms since the epoch). */
  add(key: string, service: string, expiresAt: number): void {
    this.#attempts.set(key, { service, expiresAt });
  }

  /** Removes an attempt that ended; wakes those waiting for its service to be quiet. */
  remove(key: string, now: number): void {
    const entry = this.#attempts.get(key);
    if (!entry) return;
    this.#attempts.delete(key);
    const still: QuietWaiter[] = [];
    for (const w of this.#waiters)
      w.service === entry.service && this.quiet(w.service, now) ? w.resolve() : still.push(w);
    this.#waiters = still;
  }

  /** True when no unexpired attempt of `service` is in flight at `now`. */
  quiet(service: string, now: number): boolean {
    for (const a of this.#attempts.values()) if (a.service === service && a.expiresAt > now) return false;
    return true;
  }

  /** Settles at the next removal that leaves `service` quiet. */
  whenQuiet(service: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.push({ service, resolve }));
  }

  /** Forgets every attempt (another run is followed) and wakes every waiter. */
  clear(): void {
    this.#attempts.clear();
    for (const w of this.#waiters) w.resolve();
    this.#waiters = [];
  }
}

/**
 * Waits for `until`, at most `ms` on `clock`.
 * @returns true when `until` settled first
 */
export async function settlesWithin(until: Promise<void>, ms: number, clock: Clock): Promise<boolean> {
  if (ms <= 0) return false;
  let cancel: () => void = () => undefined;
  const timedOut = new Promise<false>((resolve) => (cancel = clock.setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([until.then(() => true as const), timedOut]);
  } finally {
    cancel();
  }
}

/**
 * The chaos loop's state as `GET /status` shows it.
 */

/** A toxic the loop injected and has not seen removed yet. */
export interface ActiveToxic {
  readonly proxy: string;
  readonly name: string;
  readonly type: string;
  readonly stream: string;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
  readonly runId: string;
  /** Its `toxic_events` row. */
  readonly eventId: number;
  /** ms since the epoch. */
  readonly startedAt: number;
  /** When its duration ends, ms since the epoch. */
  readonly endsAt: number;
  /** Set once its removal was decided but has not succeeded yet (Toxiproxy unreachable). */
  readonly removing?: string;
}

/** The loop's state, for `/status`. */
export interface ChaosSnapshot {
  readonly seed: number;
  readonly intervalMs: number;
  /** Ticks run since start. */
  readonly ticks: number;
  /** The current run as last read, or null when there is none. */
  readonly run: {
    readonly runId: string;
    readonly phase: string;
    readonly currentPrompt: number | null;
    readonly heartbeatAt: number;
  } | null;
  /** Whether the last listing of Toxiproxy's proxies succeeded (null before the first). */
  readonly toxiproxyReachable: boolean | null;
  readonly activeToxics: readonly ActiveToxic[];
  /** What steering set for the current run (http/steering-route.ts): paused, and the TOXIC_PROB and TOXICS the draws use. */
  readonly steering: { readonly paused: boolean; readonly toxicProb: number; readonly toxics: readonly string[] };
  /** Injections since this manager started, and injections that failed. */
  readonly injectedSinceStart: number;
  readonly failedInjections: number;
  /** Lasting problems (Toxiproxy down, database locked), by condition. */
  readonly problems: Readonly<Record<string, string>>;
}

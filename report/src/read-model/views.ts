/**
 * What the dashboard shows, as JSON for the page. The server does not build these from the record
 * itself: the lab's report builders do (`lab/src/charts/dashboard-views.ts`, from `loadRunData`,
 * `analyzeRun` and `promptStories`), handed in as {@link RunViews}, so the page and the HTML report
 * read a run the same way and no query is written twice.
 */
import type { Database, SteeringChange } from '@chaos-lab/common';

/** One prompt's row on the run page. */
export interface PromptLine {
  readonly promptIndex: number;
  readonly prompt: string;
  /** `correct`, `unchecked`, `wrong`, `unhandled`, `failed`, `interrupted`. */
  readonly status: string;
  readonly verdict: string | null;
  /** Prompt attempts made. */
  readonly attempts: number;
  readonly durationMs: number;
  /** ms since the epoch. */
  readonly finishedAt: number;
  readonly rootCause: string | null;
  /** Tool names, in first-call order. */
  readonly tools: readonly string[];
}

/** One fault event on its lane (a proxy, or a service for faults without one). */
export interface FaultBar {
  readonly id: number;
  readonly lane: string;
  /** `toxic`, `http_error`, `service`, `service_down`, `llm`, … */
  readonly kind: string;
  /** e.g. `timeout`, `http_503`. */
  readonly type: string;
  readonly stream: string | null;
  /** Seconds since the run started. */
  readonly startS: number;
  /** Seconds since the run started; the latest record's time while it is open. */
  readonly endS: number;
  readonly open: boolean;
}

/** Tool attempts of one outcome and cause. */
export interface AttemptCount {
  /** `ok`, `http_error`, `timeout`, `connection_error`, `reset`, `closed`, `cancelled`. */
  readonly outcome: string;
  /** The attribution (`simulated_error`, `toxic`, …), `none` for an answered attempt. */
  readonly cause: string;
  readonly via: 'proxy' | 'direct';
  readonly count: number;
}

/** Everything the run page shows. */
export interface RunView {
  readonly run: {
    readonly runId: string;
    readonly status: string;
    readonly startedAt: number;
    readonly finishedAt: number | null;
    readonly seed: number;
    readonly model: string | null;
    readonly error: string | null;
    readonly promptsTotal: number;
    /** `runs.settings`: keys masked by the agent (`publicSettings`). */
    readonly settings: Record<string, unknown>;
  };
  /** Prompts with a result row, and the run's total. */
  readonly progress: { readonly done: number; readonly total: number; readonly byStatus: Readonly<Record<string, number>> };
  readonly prompts: readonly PromptLine[];
  /** Proxies (and services) in registry order, whether or not a fault hit them. */
  readonly lanes: readonly string[];
  readonly faults: readonly FaultBar[];
  readonly attempts: readonly AttemptCount[];
  /** Seconds from the run's start to its latest record. */
  readonly spanS: number;
  /** Changes made through steering, oldest first. */
  readonly steering: readonly SteeringChange[];
}

/** One attempt in a prompt's drill-down. */
export interface AttemptDetail {
  readonly attempt: number;
  readonly via: 'proxy' | 'direct';
  readonly outcome: string;
  readonly durationMs: number;
  /** Seconds since the run started. */
  readonly startS: number;
  readonly cause: string | null;
  /** The fault blamed, in words; null when none. */
  readonly fault: string | null;
  /** Every fault on the attempt's service (or its proxy, for an attempt through it) while it ran, in words. */
  readonly activeFaults: readonly string[];
}

/** One tool call in a prompt's drill-down. */
export interface CallDetail {
  readonly callId: string;
  readonly promptAttempt: number;
  readonly tool: string;
  readonly arguments: Record<string, unknown> | null;
  readonly status: string;
  readonly resultDigest: string | null;
  readonly attempts: readonly AttemptDetail[];
}

/** A prompt's drill-down: its line, answer, error and tool calls. */
export interface PromptDetail extends PromptLine {
  readonly answer: string | null;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly calls: readonly CallDetail[];
}

/** The builders the server is given (see the file comment). */
export interface RunViews {
  /**
   * The run page of `runId`.
   * @throws {LabError} `NOT_FOUND` when the database has no such run
   */
  run(db: Database, runId: string): RunView;
  /** One prompt's drill-down; undefined when the prompt has no result row yet. */
  prompt(db: Database, runId: string, promptIndex: number): PromptDetail | undefined;
}

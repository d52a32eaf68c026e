/**
 * The dashboard's views of a run, as JSON for its page: the run page ({@link RunView}) and a prompt's
 * drill-down ({@link PromptDetail}). Built by dashboard-views.ts from the same read model as the HTML
 * report (`loadRunData` → `analyzeRun` → `promptStories`), so the page and the report read a run the
 * same way and no query is written twice.
 */
import type { PromptStatus, SteeringChange } from '@chaos-lab/common';
import type { AttemptStory, CallStory } from './prompt-stories.js';

/** One prompt's row on the run page. */
export interface PromptLine {
  readonly promptIndex: number;
  readonly prompt: string;
  readonly status: PromptStatus;
  readonly verdict: string | null;
  /** Prompt attempts made. */
  readonly attempts: number;
  readonly durationMs: number;
  /** ms since the epoch. */
  readonly finishedAt: number;
  readonly rootCause: string | null;
  /** True when the root cause rests on an inference (a request tied by time, a fault on an unseen expected call). */
  readonly rootInferred: boolean;
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
  /** `service`: seen at the service (an agent over HTTP). */
  readonly via: 'proxy' | 'direct' | 'service';
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
  readonly progress: {
    readonly done: number;
    readonly total: number;
    readonly byStatus: Readonly<Record<string, number>>;
  };
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

/** One attempt in a prompt's drill-down: its story and the faults it met. */
export interface AttemptDetail extends AttemptStory {
  /** Every fault on the attempt's service (or its proxy, for an attempt through it or seen at the service) while it ran, in words. */
  readonly activeFaults: readonly string[];
}

/** One tool call in a prompt's drill-down. */
export interface CallDetail extends Omit<CallStory, 'attempts'> {
  readonly attempts: readonly AttemptDetail[];
}

/** A prompt's drill-down: its line, answer, error and tool calls. */
export interface PromptDetail extends PromptLine {
  readonly answer: string | null;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly calls: readonly CallDetail[];
}

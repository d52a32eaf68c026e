/**
 * The run summary: the figures the report's table and `charts/summary.json` show. Percentiles are
 * linear-interpolated (see stats.ts) and rounded to 0.1 ms; latencies and response times in ms,
 * durations in s.
 */
import type { RunAnalysis } from './analysis.js';
import { countBy, percentile } from './stats.js';

/** Latency figures of a set of attempts, ms; null percentiles when the set is empty. */
export interface LatencySummary {
  readonly attempts: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** Everything the report's summary table shows. */
export interface RunSummary {
  readonly runId: string;
  /** `running`, `completed`, `failed` or `interrupted`. */
  readonly status: string;
  /** The model as recorded, null when the run did not record one. */
  readonly model: string | null;
  /** The model in words, honest about the offline one (see {@link modelLabel}). */
  readonly modelLabel: string;
  readonly seed: number;
  /** ISO 8601 (UTC). */
  readonly startedAt: string;
  /** ISO 8601 (UTC); null while the run has not finished. */
  readonly finishedAt: string | null;
  /** From the start to the finish (or the last recorded event), seconds. */
  readonly durationS: number;
  /** The run's settings as recorded (secrets redacted by the agent). */
  readonly settings: Record<string, unknown>;
  readonly prompts: {
    /** Prompts the run set out to answer. */
    readonly total: number;
    readonly succeeded: number;
    readonly failed: number;
    /** Prompts with no result (an interrupted or unfinished run). */
    readonly unfinished: number;
    /** succeeded / (succeeded + failed), 0 to 1; null when none finished. */
    readonly successRate: number | null;
    /** Failed prompts per error type. */
    readonly byErrorType: Record<string, number>;
    readonly responseTimeMs: { readonly p50: number | null; readonly p95: number | null; readonly max: number | null };
  };
  readonly toolCalls: {
    /** Logical tool calls the agent made. */
    readonly calls: number;
    /** Every attempt: through the proxy, retries and direct fallbacks. */
    readonly attempts: number;
    /** Attempts through the proxy beyond each call's first. */
    readonly retries: number;
    /** Direct fallback calls. */
    readonly fallbacks: number;
    /** Fallback calls that got an answer. */
    readonly fallbacksAnswered: number;
    /** Calls that got no answer at all. */
    readonly unanswered: number;
    /** Attempts per outcome (`ok`, `timeout`, `http_error`, …). */
    readonly byOutcome: Record<string, number>;
  };
  readonly toolLatency: {
    /** Every attempt, proxy and direct. */
    readonly all: LatencySummary;
    /** Attempts through the proxy while no toxic was on it. */
    readonly clean: LatencySummary;
    /** Attempts through the proxy while a toxic was on it. */
    readonly underToxic: LatencySummary;
  };
  readonly toxics: {
    /** Toxics injected. */
    readonly total: number;
    readonly byType: Record<string, number>;
    readonly byProxy: Record<string, number>;
    /** Toxic events never closed (still on the proxy, or left by a crash). */
    readonly open: number;
  };
}

/**
 * The model in words for the report: the offline model is said to be the lab's deterministic
 * stand-in, so no reader takes its answers for an LLM's.
 * @param model the `runs.model` value
 * @param settings the run's settings (`LLM_PROVIDER` is used when no model was recorded)
 */
export function modelLabel(model: string | null, settings: Record<string, unknown>): string {
  const name = model ?? (typeof settings.LLM_PROVIDER === 'string' && settings.LLM_PROVIDER !== 'auto' ? settings.LLM_PROVIDER : null);
  if (name === null) return 'not recorded';
  return /offline/i.test(name) ? `${name} (the lab's deterministic offline model, no LLM)` : name;
}

/** A percentile rounded to 0.1 ms: finer is noise for timings taken in whole ms. */
function percentileMs(values: readonly number[], p: number): number | null {
  const value = percentile(values, p);
  return value === null ? null : Math.round(value * 10) / 10;
}

function latency(durationsMs: readonly number[]): LatencySummary {
  return { attempts: durationsMs.length, p50Ms: percentileMs(durationsMs, 50), p95Ms: percentileMs(durationsMs, 95) };
}

/**
 * Summarises a run.
 * @param analysis the run's facts (see `analyzeRun`)
 */
export function summarizeRun(analysis: RunAnalysis): RunSummary {
  const { run } = analysis.data;
  const { prompts, attempts, calls, toxics } = analysis;
  const succeeded = prompts.filter((p) => p.status === 'succeeded').length;
  const failed = prompts.length - succeeded;
  const durations = prompts.map((p) => p.durationMs);
  const viaProxy = attempts.filter((a) => a.via === 'proxy');
  const direct = attempts.filter((a) => a.via === 'direct');
  return {
    runId: run.runId,
    status: run.status,
    model: run.model,
    modelLabel: modelLabel(run.model, run.settings),
    seed: run.seed,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
    durationS: analysis.durationS,
    settings: run.settings,
    prompts: {
      total: Math.max(run.promptsTotal, prompts.length),
      succeeded,
      failed,
      unfinished: Math.max(0, run.promptsTotal - prompts.length),
      successRate: prompts.length === 0 ? null : succeeded / prompts.length,
      byErrorType: countBy(
        prompts.filter((p) => p.status === 'failed'),
        (p) => p.errorType ?? 'unrecorded',
      ),
      responseTimeMs: { p50: percentileMs(durations, 50), p95: percentileMs(durations, 95), max: percentileMs(durations, 100) },
    },
    toolCalls: {
      calls: calls.length,
      attempts: attempts.length,
      retries: calls.reduce((sum, c) => sum + Math.max(0, c.proxyAttempts - 1), 0),
      fallbacks: direct.length,
      fallbacksAnswered: direct.filter((a) => a.outcome === 'ok').length,
      unanswered: calls.filter((c) => !c.answered).length,
      byOutcome: countBy(attempts, (a) => a.outcome),
    },
    toolLatency: {
      all: latency(attempts.map((a) => a.durationMs)),
      clean: latency(viaProxy.filter((a) => !a.underToxic).map((a) => a.durationMs)),
      underToxic: latency(viaProxy.filter((a) => a.underToxic).map((a) => a.durationMs)),
    },
    toxics: {
      total: toxics.length,
      byType: countBy(toxics, (t) => t.type),
      byProxy: countBy(toxics, (t) => t.proxy),
      open: toxics.filter((t) => t.open).length,
    },
  };
}

/**
 * The run summary: the figures the report's table and `charts/summary.json` show. Percentiles are
 * linear-interpolated (see stats.ts) and rounded to 0.1 ms; latencies and response times in ms,
 * durations in s.
 *
 * Success is the record's one rule (common/src/record/prompt-status.ts): successRate = correct ÷
 * checked, where checked = correct + wrong + unhandled + failed (every prompt that ended and could have
 * been judged); unchecked answers (no expectation) and interrupted prompts are shown apart, never as
 * successes.
 */
import { checkedCount, countPromptStatuses, successRate, type PromptStatus } from '@chaos-lab/common';
import type { RunAnalysis } from './analysis.js';
import { ATTEMPT_CAUSES } from './run-rows.js';
import { countBy, percentile } from './stats.js';
import { summarizeModelCalls, type ModelCallSummary } from './model-calls.js';

/** Latency figures of a set of attempts, ms; null percentiles when the set is empty. */
export interface LatencySummary {
  readonly attempts: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** One fault event and its blast radius (the `fault_blast_radius` view). */
export interface FaultBlastRadius {
  readonly id: number;
  /** `toxic`, `service_down`, … */
  readonly kind: string;
  readonly proxy: string | null;
  readonly service: string | null;
  /** Toxic type (e.g. `timeout`), or the fault's own type. */
  readonly type: string;
  readonly stream: string | null;
  readonly attributes: Record<string, unknown>;
  /** ISO 8601 (UTC). */
  readonly startedAt: string;
  /** ISO 8601 (UTC); null while still active (or left open by a crash). */
  readonly endedAt: string | null;
  readonly endedBy: string | null;
  /** Tool attempts it could reach during its window (through its proxy or seen at its service; any attempt of a service down). */
  readonly attemptsTouched: number;
  /** Of those, attempts that failed, whatever the cause. */
  readonly attemptsFailed: number;
  /** Failed attempts whose cause is this event. */
  readonly attemptsAttributed: number;
  /** Model requests it touched (an llm fault applied to them, a toxic on model_proxy while they ran). */
  readonly modelRequestsTouched: number;
  /** Of those, requests that did not end `ok`. */
  readonly modelRequestsFailed: number;
  /** Prompt indexes it touched: through tool attempts, model requests or unseen expected calls. */
  readonly promptsTouched: number[];
  /** Of those, the prompts touched by inference only (a request tied to its prompt by time, an unseen expected call). */
  readonly promptsTouchedInferred: number[];
  /** Prompts whose root cause is this event. */
  readonly promptsRootCaused: number;
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
  /** The run's duration, `runs.started_at` → `finished_at`, seconds; null while it has not finished. */
  readonly durationS: number | null;
  /** The span the charts' time axes cover (to the last recorded event when later), seconds. */
  readonly chartSpanS: number;
  /** The run's settings as recorded (secrets redacted by the agent). */
  readonly settings: Record<string, unknown>;
  readonly prompts: {
    /** Prompts the run set out to answer. */
    readonly total: number;
    /** Prompts per status, every status present (0 when none). */
    readonly byStatus: Record<PromptStatus, number>;
    /** correct + wrong + unhandled + failed: the prompts whose outcome was judged. */
    readonly checked: number;
    /** Answered without an expectation: shown apart, never counted as a success. */
    readonly unchecked: number;
    /** Prompts with no result row (an interrupted or unfinished run). */
    readonly unfinished: number;
    /** correct / checked, 0 to 1; null when none was checked. */
    readonly successRate: number | null;
    /** Failed prompts per error type. */
    readonly byErrorType: Record<string, number>;
    /**
     * Prompts that did not end well (failed, wrong, unhandled, interrupted) per root cause, `<cause> (inferred)` when it
     * rests on an inference (prompt_causes.root_inferred); `none` when nothing explains one.
     */
    readonly byRootCause: Record<string, number>;
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
    /** Attempts that failed (every outcome but ok, HTTP 4xx answers left out). */
    readonly failedAttempts: number;
    /** Attempts seen at a service (an agent over HTTP), and of those, tied to their prompt by time only. */
    readonly seenAtService: number;
    readonly tiedByTime: number;
    /** Failed attempts per cause, every cause present (`unknown` included, 0 when none). */
    readonly failedByCause: Record<string, number>;
  };
  /** Latency of successful attempts only (a failed attempt's time is its failure's, shown apart by cause). */
  readonly toolLatency: {
    /** Every successful attempt, proxy and direct. */
    readonly all: LatencySummary;
    /** Successful attempts through the proxy while no toxic was on that tool's proxy. */
    readonly clean: LatencySummary;
    /** Successful attempts through the proxy while a toxic was on that tool's proxy. */
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
  /** Every fault event of the run (toxics, services down…) with its blast radius, in start order. */
  readonly faultEvents: readonly FaultBlastRadius[];
  /** The model's HTTP requests (model_calls): retries, statuses, tokens, LLM faults, Retry-After compliance. */
  readonly modelCalls: ModelCallSummary;
}

/**
 * The model in words for the report: the offline model is said to be the lab's deterministic
 * stand-in, so no reader takes its answers for an LLM's.
 * @param model the `runs.model` value
 * @param settings the run's settings (`LLM_PROVIDER` is used when no model was recorded)
 */
export function modelLabel(model: string | null, settings: Record<string, unknown>): string {
  const name =
    model ??
    (typeof settings.LLM_PROVIDER === 'string' && settings.LLM_PROVIDER !== 'auto' ? settings.LLM_PROVIDER : null);
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
  const { run, blastRadius } = analysis.data;
  const { prompts, attempts, calls, toxics, faults } = analysis;
  const byStatus = countPromptStatuses(prompts.map((p) => p.status));
  const checked = checkedCount(byStatus);
  const durations = prompts.map((p) => p.durationMs);
  const answered = attempts.filter((a) => a.outcome === 'ok');
  const viaProxy = answered.filter((a) => a.via === 'proxy');
  const direct = attempts.filter((a) => a.via === 'direct');
  const failed = attempts.filter((a) => a.cause !== null);
  const radius = new Map(blastRadius.map((b) => [b.faultEventId, b]));
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    runId: run.runId,
    status: run.status,
    model: run.model,
    modelLabel: modelLabel(run.model, run.settings),
    seed: run.seed,
    startedAt: iso(run.startedAt)!,
    finishedAt: iso(run.finishedAt),
    durationS: analysis.runDurationS,
    chartSpanS: analysis.durationS,
    settings: run.settings,
    prompts: {
      total: Math.max(run.promptsTotal, prompts.length),
      byStatus,
      checked,
      unchecked: byStatus.unchecked,
      unfinished: Math.max(0, run.promptsTotal - prompts.length),
      successRate: successRate(byStatus.correct, checked),
      byErrorType: countBy(
        prompts.filter((p) => p.status === 'failed'),
        (p) => p.errorType ?? 'unrecorded',
      ),
      byRootCause: countBy(analysis.data.promptCauses, (c) =>
        c.rootCause === null ? 'none' : c.rootInferred ? `${c.rootCause} (inferred)` : c.rootCause,
      ),
      responseTimeMs: {
        p50: percentileMs(durations, 50),
        p95: percentileMs(durations, 95),
        max: percentileMs(durations, 100),
      },
    },
    toolCalls: {
      calls: calls.length,
      attempts: attempts.length,
      retries: calls.reduce((sum, c) => sum + Math.max(0, c.proxyAttempts - 1), 0),
      fallbacks: direct.length,
      fallbacksAnswered: direct.filter((a) => a.outcome === 'ok').length,
      unanswered: calls.filter((c) => !c.answered).length,
      byOutcome: countBy(attempts, (a) => a.outcome),
      failedAttempts: failed.length,
      seenAtService: attempts.filter((a) => a.source === 'service').length,
      tiedByTime: attempts.filter((a) => a.attribution === 'inferred_time').length,
      failedByCause: { ...Object.fromEntries(ATTEMPT_CAUSES.map((c) => [c, 0])), ...countBy(failed, (a) => a.cause!) },
    },
    toolLatency: {
      all: latency(answered.map((a) => a.durationMs)),
      clean: latency(viaProxy.filter((a) => !a.underToxic).map((a) => a.durationMs)),
      underToxic: latency(viaProxy.filter((a) => a.underToxic).map((a) => a.durationMs)),
    },
    toxics: {
      total: toxics.length,
      byType: countBy(toxics, (t) => t.type),
      byProxy: countBy(toxics, (t) => t.row),
      open: toxics.filter((t) => t.open).length,
    },
    faultEvents: faults.map((f) => {
      const b = radius.get(f.id);
      return {
        id: f.id,
        kind: f.kind,
        proxy: f.proxy,
        service: f.service,
        type: f.type,
        stream: f.stream,
        attributes: f.attributes,
        startedAt: iso(f.startedAt)!,
        endedAt: iso(f.endedAt),
        endedBy: f.endedBy,
        attemptsTouched: b?.attemptsTouched ?? 0,
        attemptsFailed: b?.attemptsFailed ?? 0,
        attemptsAttributed: b?.attemptsAttributed ?? 0,
        modelRequestsTouched: b?.modelRequestsTouched ?? 0,
        modelRequestsFailed: b?.modelRequestsFailed ?? 0,
        promptsTouched: b?.promptIndexes ?? [],
        promptsTouchedInferred: b?.inferredPromptIndexes ?? [],
        promptsRootCaused: b?.promptsRootCaused ?? 0,
      };
    }),
    modelCalls: summarizeModelCalls(analysis.data.modelCalls),
  };
}

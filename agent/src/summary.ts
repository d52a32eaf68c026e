/**
 * The run summary: what the agent prints at the end and logs to info.log, computed from the run's
 * rows in the database (the same rows the charts are drawn from, so the two never disagree).
 */
import type { Database } from '@chaos-lab/common';
import type { RunStatus } from './records.js';

/** A run's outcome in numbers. */
export interface RunSummary {
  readonly runId: string;
  readonly status: RunStatus;
  readonly promptsTotal: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Prompt attempts made, in all (more than the prompts when `PROMPT_LIMIT` > 1 retried some). */
  readonly promptAttempts: number;
  /** Tool call attempts, in all: through the proxies and the direct fallbacks. */
  readonly toolAttempts: number;
  /** Proxy attempts after the first of their tool call (`TOOL_LIMIT` > 1). */
  readonly retries: number;
  /** Direct fallback calls. */
  readonly fallbacks: number;
  /** Median duration of a tool attempt, ms; null without attempts. */
  readonly toolLatencyP50Ms: number | null;
  /** 95th percentile duration of a tool attempt, ms; null without attempts. */
  readonly toolLatencyP95Ms: number | null;
  /** Failed prompts by `error_type`. */
  readonly errorTypes: Record<string, number>;
  /** Requests the model client sent again after a failure (Groq; 0 offline). */
  readonly modelRetries: number;
  /** The model's label, e.g. `offline (deterministic)`. */
  readonly model: string;
  readonly seed: number;
  /** Wall time of the run, ms. */
  readonly durationMs: number;
  /** Why the run failed, when `status` is `failed`. */
  readonly error?: string;
}

/**
 * The nearest-rank percentile of sorted values (the smallest value with at least `p`% of the values
 * at or below it).
 * @param sorted ascending values
 * @param p percentile in (0, 100]
 * @returns the value, or null for no values
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Computes a run's summary from its rows.
 * @param db the lab database
 * @param run what the rows do not hold: status, model, seed, duration, model retries, error
 */
export function computeSummary(
  db: Database,
  run: { runId: string; status: RunStatus; promptsTotal: number; model: string; seed: number; durationMs: number; modelRetries: number; error?: string },
): RunSummary {
  const prompts = db
    .prepare(
      `SELECT COALESCE(SUM(status = 'correct'), 0) AS succeeded, COALESCE(SUM(status = 'failed'), 0) AS failed,
              COALESCE(SUM(attempts), 0) AS attempts
         FROM prompt_results WHERE run_id = ?`,
    )
    .get(run.runId) as { succeeded: number; failed: number; attempts: number };
  const calls = db
    .prepare(
      `SELECT COUNT(*) AS attempts, COALESCE(SUM(via = 'proxy' AND attempt > 1), 0) AS retries,
              COALESCE(SUM(via = 'direct'), 0) AS fallbacks
         FROM tool_calls WHERE run_id = ?`,
    )
    .get(run.runId) as { attempts: number; retries: number; fallbacks: number };
  const durations = (db.prepare('SELECT duration_ms AS d FROM tool_calls WHERE run_id = ? ORDER BY duration_ms').all(run.runId) as { d: number }[]).map((r) => r.d);
  const errorTypes: Record<string, number> = {};
  const rows = db
    .prepare("SELECT error_type AS type, COUNT(*) AS n FROM prompt_results WHERE run_id = ? AND status = 'failed' GROUP BY error_type ORDER BY n DESC, error_type")
    .all(run.runId) as { type: string | null; n: number }[];
  for (const row of rows) errorTypes[row.type ?? 'unknown'] = row.n;
  return {
    runId: run.runId,
    status: run.status,
    promptsTotal: run.promptsTotal,
    succeeded: prompts.succeeded,
    failed: prompts.failed,
    promptAttempts: prompts.attempts,
    toolAttempts: calls.attempts,
    retries: calls.retries,
    fallbacks: calls.fallbacks,
    toolLatencyP50Ms: percentile(durations, 50),
    toolLatencyP95Ms: percentile(durations, 95),
    errorTypes,
    modelRetries: run.modelRetries,
    model: run.model,
    seed: run.seed,
    durationMs: run.durationMs,
    ...(run.error === undefined ? {} : { error: run.error }),
  };
}

/** `n` and the noun, singular for 1. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ms(value: number | null): string {
  return value === null ? '–' : `${value} ms`;
}

/**
 * The summary as text for a terminal: a few aligned lines, ending with a newline.
 * @example
 *   run 20250101T120000-1a2b: completed in 14.2 s (model offline (deterministic), seed 7)
 *   prompts      35: 33 succeeded, 2 failed (38 attempts)
 *   tool calls   81 attempts, 4 retries, 1 fallback; latency p50 8 ms, p95 412 ms
 *   errors       network 1, server 1
 */
export function formatSummary(summary: RunSummary): string {
  const errors = Object.entries(summary.errorTypes).map(([type, n]) => `${type} ${n}`).join(', ');
  const modelRetries = summary.modelRetries > 0 ? `, ${count(summary.modelRetries, 'model retry', 'model retries')}` : '';
  const lines = [
    `run ${summary.runId}: ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s (model ${summary.model}, seed ${summary.seed})`,
    `prompts      ${summary.promptsTotal}: ${summary.succeeded} succeeded, ${summary.failed} failed (${count(summary.promptAttempts, 'attempt')})`,
    `tool calls   ${count(summary.toolAttempts, 'attempt')}, ${count(summary.retries, 'retry', 'retries')}, ${count(summary.fallbacks, 'fallback')}${modelRetries}; latency p50 ${ms(summary.toolLatencyP50Ms)}, p95 ${ms(summary.toolLatencyP95Ms)}`,
    `errors       ${errors === '' ? 'none' : errors}`,
  ];
  if (summary.error) lines.push(`run error    ${summary.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The run summary: what the agent prints at the end and logs to info.log, computed from the run's
 * rows in the database (the same rows the charts are drawn from, so the two never disagree).
 *
 * The success rate is the record's one rule (common/src/record/prompt-status.ts): correct ÷ checked.
 * Unchecked answers (prompts without an expectation) are shown apart and counted in neither side, and
 * so are interrupted prompts, which never had their chance.
 */
import {
  CHECKED_STATUSES,
  checkedCount,
  isChecked,
  PROMPT_STATUSES,
  successRate,
  type Database,
  type PromptStatus,
} from '@chaos-lab/common';
import type { RunStatus } from './records.js';

/** Prompt statuses in the order the summary lists them: the checked ones first. */
const STATUSES: readonly PromptStatus[] = [...CHECKED_STATUSES, ...PROMPT_STATUSES.filter((s) => !isChecked(s))];

/** A run's outcome in numbers. */
export interface RunSummary {
  readonly runId: string;
  readonly status: RunStatus;
  readonly promptsTotal: number;
  /** Prompts by status (`prompt_results.status`), every status present, 0 when none. */
  readonly prompts: Readonly<Record<PromptStatus, number>>;
  /** Share of checked prompts answered correctly, 0–1 (see the file's header); null when none was checked. */
  readonly successRate: number | null;
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
  /** Requests the model client sent again after a failure (its own retries, any provider). */
  readonly modelRetries: number;
  /** The model's HTTP requests as `model_calls` recorded them: how many, tokens reported, LLM faults met. */
  readonly modelRequests: {
    readonly requests: number;
    readonly tokensIn: number;
    readonly tokensOut: number;
    readonly faults: number;
    /** Requests whose tokens were reported (an agent under test's, seen at the model server, report none). */
    readonly withTokens: number;
  };
  /**
   * What the services saw of an agent over HTTP (`service_requests` tied to the run), absent when
   * nothing was tied: tool and model requests, and how many were tied by request id or by time.
   */
  readonly serviceRequests?: {
    readonly tool: number;
    readonly model: number;
    readonly byRequestId: number;
    readonly byTime: number;
  };
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
  run: {
    runId: string;
    status: RunStatus;
    promptsTotal: number;
    model: string;
    seed: number;
    durationMs: number;
    modelRetries: number;
    error?: string;
  },
): RunSummary {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<PromptStatus, number>;
  const byStatus = db
    .prepare('SELECT status, COUNT(*) AS n FROM prompt_results WHERE run_id = ? GROUP BY status')
    .all(run.runId) as { status: PromptStatus; n: number }[];
  for (const row of byStatus) counts[row.status] = row.n;
  const { attempts } = db
    .prepare('SELECT COALESCE(SUM(attempts), 0) AS attempts FROM prompt_results WHERE run_id = ?')
    .get(run.runId) as { attempts: number };
  const calls = db
    .prepare(
      `SELECT COUNT(*) AS attempts, COALESCE(SUM(via = 'proxy' AND attempt > 1), 0) AS retries,
              COALESCE(SUM(via = 'direct'), 0) AS fallbacks
         FROM tool_calls WHERE run_id = ?`,
    )
    .get(run.runId) as { attempts: number; retries: number; fallbacks: number };
  const durations = (
    db.prepare('SELECT duration_ms AS d FROM tool_calls WHERE run_id = ? ORDER BY duration_ms').all(run.runId) as {
      d: number;
    }[]
  ).map((r) => r.d);
  const errorTypes: Record<string, number> = {};
  const rows = db
    .prepare(
      "SELECT error_type AS type, COUNT(*) AS n FROM prompt_results WHERE run_id = ? AND status = 'failed' GROUP BY error_type ORDER BY n DESC, error_type",
    )
    .all(run.runId) as { type: string | null; n: number }[];
  for (const row of rows) errorTypes[row.type ?? 'unknown'] = row.n;
  const model = db
    .prepare(
      `SELECT COUNT(*) AS requests, COALESCE(SUM(tokens_in), 0) AS tokensIn, COALESCE(SUM(tokens_out), 0) AS tokensOut,
              COUNT(fault) AS faults, COUNT(tokens_in) AS withTokens
         FROM model_calls WHERE run_id = ?`,
    )
    .get(run.runId) as RunSummary['modelRequests'];
  const seen = db
    .prepare(
      `SELECT COUNT(*) AS n, COALESCE(SUM(service <> 'model'), 0) AS tool, COALESCE(SUM(service = 'model'), 0) AS model,
              COALESCE(SUM(attribution = 'request_id'), 0) AS byRequestId, COALESCE(SUM(attribution = 'inferred_time'), 0) AS byTime
         FROM service_requests WHERE run_id = ?`,
    )
    .get(run.runId) as { n: number; tool: number; model: number; byRequestId: number; byTime: number };
  return {
    runId: run.runId,
    status: run.status,
    promptsTotal: run.promptsTotal,
    prompts: counts,
    successRate: successRate(counts.correct, checkedCount(counts)),
    promptAttempts: attempts,
    toolAttempts: calls.attempts,
    retries: calls.retries,
    fallbacks: calls.fallbacks,
    toolLatencyP50Ms: percentile(durations, 50),
    toolLatencyP95Ms: percentile(durations, 95),
    errorTypes,
    modelRetries: run.modelRetries,
    modelRequests: model,
    ...(seen.n === 0
      ? {}
      : {
          serviceRequests: { tool: seen.tool, model: seen.model, byRequestId: seen.byRequestId, byTime: seen.byTime },
        }),
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

/** "30 correct, 1 wrong, 2 failed": correct always, the other statuses when any prompt has them. */
function statusCounts(prompts: RunSummary['prompts']): string {
  return STATUSES.filter((s) => s === 'correct' || prompts[s] > 0)
    .map((s) => `${prompts[s]} ${s}`)
    .join(', ');
}

/** "88% (30 of 34 checked prompts correct; 1 unchecked not counted)", or why there is no rate. */
function successLine(summary: RunSummary): string {
  const { correct, unchecked } = summary.prompts;
  const checked = checkedCount(summary.prompts);
  const apart = unchecked > 0 ? `; ${unchecked} unchecked not counted` : '';
  if (summary.successRate === null) return `– (no checked prompt${apart})`;
  return `${Math.round(summary.successRate * 100)}% (${correct} of ${count(checked, 'checked prompt')} correct${apart})`;
}

/**
 * The summary as text for a terminal: a few aligned lines, ending with a newline.
 * @example
 *   run 20250101T120000-1a2b: completed in 14.2 s (model offline (deterministic), seed 7)
 *   prompts      35: 30 correct, 1 wrong, 2 unhandled, 1 failed, 1 unchecked (38 attempts)
 *   success      88% (30 of 34 checked prompts correct; 1 unchecked not counted)
 *   tool calls   81 attempts, 4 retries, 1 fallback; latency p50 8 ms, p95 412 ms
 *   model calls  90 requests, 2 LLM faults; tokens 51234 in, 2210 out
 *   errors       network 1, server 1
 */
export function formatSummary(summary: RunSummary): string {
  const errors = Object.entries(summary.errorTypes)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  const modelRetries =
    summary.modelRetries > 0 ? `, ${count(summary.modelRetries, 'model retry', 'model retries')}` : '';
  const lines = [
    `run ${summary.runId}: ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s (model ${summary.model}, seed ${summary.seed})`,
    `prompts      ${summary.promptsTotal}: ${statusCounts(summary.prompts)} (${count(summary.promptAttempts, 'attempt')})`,
    `success      ${successLine(summary)}`,
    `tool calls   ${count(summary.toolAttempts, 'attempt')}, ${count(summary.retries, 'retry', 'retries')}, ${count(summary.fallbacks, 'fallback')}${modelRetries}; latency p50 ${ms(summary.toolLatencyP50Ms)}, p95 ${ms(summary.toolLatencyP95Ms)}`,
    `errors       ${errors === '' ? 'none' : errors}`,
  ];
  const seen = summary.serviceRequests;
  if (seen) {
    // An agent over HTTP: the lab's tools made no attempt; what its calls were is what the services saw.
    lines[3] = `tool calls   not seen by the lab (an agent over HTTP); the services saw ${count(seen.tool, 'tool request')}, ${count(seen.model, 'model request')}`;
    lines.splice(
      4,
      0,
      `tied         ${seen.byRequestId} to their prompt by X-Request-Id, ${seen.byTime} by the time they arrived (inferred)`,
    );
  }
  const m = summary.modelRequests;
  if (m.requests > 0) {
    const faults = m.faults > 0 ? `, ${count(m.faults, 'LLM fault')}` : '';
    const tokens = m.withTokens === 0 ? 'tokens not reported' : `tokens ${m.tokensIn} in, ${m.tokensOut} out`;
    lines.splice(seen ? 5 : 4, 0, `model calls  ${count(m.requests, 'request')}${faults}; ${tokens}`);
  }
  if (summary.error) lines.push(`run error    ${summary.error}`);
  return `${lines.join('\n')}\n`;
}

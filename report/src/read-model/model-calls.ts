/**
 * A run's model calls: its `model_calls` rows (one per HTTP request of a model call) summed up:
 * requests and the client's retries, statuses, tokens, latency and time to first byte, the LLM
 * faults met, and Retry-After compliance (did the client wait what a 429/503 asked).
 */
import type { Database } from '@chaos-lab/common';
import { percentile } from './stats.js';

/** One `model_calls` row, as the report reads it. */
export interface ModelCallRow {
  readonly attempt: number;
  readonly status: string;
  readonly fault: string | null;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly tokensIn: number | null;
  readonly tokensOut: number | null;
  readonly retryAfterMs: number | null;
  readonly nextWaitMs: number | null;
  readonly honored: number | null;
}

/** What summary.json and the report say about a run's model calls. */
export interface ModelCallSummary {
  readonly requests: number;
  /** Requests after the first of their model call (the client's own retries). */
  readonly retries: number;
  readonly byStatus: Record<string, number>;
  readonly faults: Record<string, number>;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly latencyMs: { readonly p50: number | null; readonly p95: number | null };
  readonly ttftMs: { readonly p50: number | null };
  /** Responses that asked for a Retry-After, and how the client answered them. */
  readonly retryAfter: {
    readonly asked: number;
    readonly honored: number;
    readonly early: number;
    readonly noRetry: number;
  };
}

/**
 * The run's model-call rows; none for a database older than the `model_calls` table (schema 5).
 * @param db an open database (read-only is enough)
 */
export function loadModelCalls(db: Database, runId: string): ModelCallRow[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'model_calls'").get();
  if (!table) return [];
  return db
    .prepare(
      `SELECT m.attempt, m.status,
              -- An agent over HTTP's rows may lack the fault the gateway marked by request id (model_call_faults links it).
              COALESCE(m.fault, (SELECT mf.type FROM model_call_faults mf WHERE mf.model_call_row = m.id AND mf.kind = 'llm'
                                  ORDER BY mf.fault_event_id LIMIT 1)) AS fault,
              m.latency_ms AS latencyMs, m.ttft_ms AS ttftMs, m.tokens_in AS tokensIn, m.tokens_out AS tokensOut,
              m.retry_after_ms AS retryAfterMs, m.next_wait_ms AS nextWaitMs, m.retry_after_honored AS honored
         FROM model_calls m WHERE m.run_id = ? ORDER BY m.id`,
    )
    .all(runId) as ModelCallRow[];
}

/** Sums the rows up. */
export function summarizeModelCalls(rows: readonly ModelCallRow[]): ModelCallSummary {
  const count = (key: (r: ModelCallRow) => string | null) => {
    const out: Record<string, number> = {};
    for (const r of rows) {
      const k = key(r);
      if (k !== null) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const sorted = (values: (number | null)[]) => values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const latencies = sorted(rows.map((r) => r.latencyMs));
  const asked = rows.filter((r) => r.retryAfterMs !== null);
  return {
    requests: rows.length,
    retries: rows.filter((r) => r.attempt > 1).length,
    byStatus: count((r) => r.status),
    faults: count((r) => r.fault),
    tokensIn: rows.reduce((sum, r) => sum + (r.tokensIn ?? 0), 0),
    tokensOut: rows.reduce((sum, r) => sum + (r.tokensOut ?? 0), 0),
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    ttftMs: { p50: percentile(sorted(rows.map((r) => r.ttftMs)), 50) },
    retryAfter: {
      asked: asked.length,
      honored: asked.filter((r) => r.honored === 1).length,
      early: asked.filter((r) => r.honored === 0).length,
      noRetry: asked.filter((r) => r.nextWaitMs === null).length,
    },
  };
}

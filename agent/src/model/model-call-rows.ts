/**
 * The `model_calls` rows of the agent's model requests: one inserted `pending` when a request
 * starts (closing the previous request's Retry-After measure), and updated when it ends with its
 * status, latency, time to first byte, tokens and the LLM fault the gateway applied to it.
 * Recording never fails a model call: a row that cannot be written is left out (or stays `pending`).
 */
import type { Database } from '@chaos-lab/common';
import type { BodyMeasure } from './model-response.js';

/** Where the rows go: the run's database, id and model. */
export interface ModelCallSink {
  readonly db: Database;
  readonly runId: string;
  /** `groq`, `openai`, `offline` or `custom`. */
  readonly provider: string;
  readonly model: string;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
}

/** The previous request of a model call: its row and when its response ended (for the Retry-After measure). */
export interface PreviousRequest {
  readonly rowId: number;
  readonly endedAt: number;
  readonly retryAfterMs?: number;
}

/** A request as it starts. */
export interface RequestStart {
  readonly promptIndex?: number;
  readonly promptAttempt?: number;
  /** The model call's number in the run (1-based). */
  readonly callIndex: number;
  /** The request's number within its model call (1-based). */
  readonly attempt: number;
  readonly requestId: string;
  readonly startedAt: number;
}

/** How a request ended, as measured by the model client's `fetch`. */
export type RequestMeasure = Partial<BodyMeasure> & {
  status: string;
  httpStatus?: number;
  error?: string;
  retryAfterMs?: number;
};

/**
 * Records how long the client waited after `previous` (and whether that honoured its Retry-After),
 * then inserts the `pending` row of the request starting.
 * @returns the new row's id; undefined when it could not be written
 */
export function insertModelCallRow(
  sink: ModelCallSink,
  start: RequestStart,
  previous: PreviousRequest | undefined,
): number | undefined {
  try {
    if (previous) {
      const waited = start.startedAt - previous.endedAt;
      sink.db
        .prepare('UPDATE model_calls SET next_wait_ms = ?, retry_after_honored = ? WHERE id = ?')
        .run(
          waited,
          previous.retryAfterMs === undefined ? null : waited >= previous.retryAfterMs ? 1 : 0,
          previous.rowId,
        );
    }
    const result = sink.db
      .prepare(
        `INSERT INTO model_calls (run_id, prompt_index, prompt_attempt, call_index, attempt, request_id, provider, model, status, started_at, latency_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0)`,
      )
      .run(
        sink.runId,
        start.promptIndex ?? null,
        start.promptAttempt ?? null,
        start.callIndex,
        start.attempt,
        start.requestId,
        sink.provider,
        sink.model,
        start.startedAt,
      );
    return Number(result.lastInsertRowid);
  } catch {
    return undefined;
  }
}

/** The LLM fault the gateway applied to a model request: its `fault_events` id and kind (`rate_limit`, …). */
export interface AppliedLlmFault {
  readonly id: number;
  readonly kind: string;
}

/**
 * The LLM fault event of `runId` the gateway applied to request `requestId`: the gateway appends each
 * request id it applies an event to to the event's `attributes.request_ids` (model/src/gateway/planned.ts).
 * The one lookup of every `model_calls` row, the lab's agent's and an agent under test's.
 * @returns the newest such event, or undefined when the request met none
 */
export function llmFaultOfRequest(db: Database, runId: string, requestId: string): AppliedLlmFault | undefined {
  return db
    .prepare(
      `SELECT f.id, f.type AS kind FROM fault_events f WHERE f.kind = 'llm' AND f.run_id = ?
         AND EXISTS (SELECT 1 FROM json_each(f.attributes, '$.request_ids') WHERE value = ?) ORDER BY f.id DESC LIMIT 1`,
    )
    .get(runId, requestId) as AppliedLlmFault | undefined;
}

/** Completes the row of request `requestId` with how it ended and the planned LLM fault the gateway applied to it. */
export function updateModelCallRow(
  sink: ModelCallSink,
  row: number,
  requestId: string,
  m: RequestMeasure & { latencyMs: number; ttftMs?: number },
): void {
  try {
    const fault = llmFaultOfRequest(sink.db, sink.runId, requestId);
    sink.db
      .prepare(
        `UPDATE model_calls SET status = ?, http_status = ?, error = ?, fault = ?, fault_event_id = ?, latency_ms = ?, ttft_ms = ?,
           tokens_in = ?, tokens_out = ?, retry_after_ms = ? WHERE id = ?`,
      )
      .run(
        m.status,
        m.httpStatus ?? null,
        m.error ?? null,
        fault?.kind ?? null,
        fault?.id ?? null,
        m.latencyMs,
        m.ttftMs ?? null,
        m.tokensIn ?? null,
        m.tokensOut ?? null,
        m.retryAfterMs ?? null,
        row,
      );
  } catch {
    // The record must not fail the model call; a missing row shows as a `pending` one.
  }
}

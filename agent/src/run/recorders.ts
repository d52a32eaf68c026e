/**
 * What a run does with each row it records: the database row ({@link RunRecords}), its Prometheus
 * count (records/metrics.ts) and its agent.log line, in one place per kind of row; and the rule that
 * reads the prompt results as they come: {@link MODEL_DEAD_AFTER_PROMPTS} model failures in a row
 * mean the model is dead.
 */
import type { Logger } from '@chaos-lab/common';
import { countPrompt, countToolAttempt } from '../records/metrics.js';
import {
  type PromptResultRow,
  type RunRecords,
  type RunStatus,
  type ToolCallRow,
  unfinishedPromptRow,
} from '../records/records.js';

/**
 * Prompts in a row that must fail on the model (`error_type` model: its calls failed after the client's
 * retries) before the model counts as dead and the run stops as `failed`: one such prompt is a fault
 * to record, several in a row mean every later prompt would fail the same way.
 */
export const MODEL_DEAD_AFTER_PROMPTS = 3;

/** Records each prompt's one result, and tells when the model is dead. */
export class PromptResultRecorder {
  readonly #records: RunRecords;
  readonly #log: Logger;
  readonly #onModelDead: (reason: string) => void;
  readonly #written = new Set<number>();
  #modelFailuresInARow = 0;

  /**
   * @param records the run's records
   * @param log agent.log, bound to the run
   * @param onModelDead called with the reason once {@link MODEL_DEAD_AFTER_PROMPTS} prompts in a row failed on the model (and after each further one)
   */
  constructor(records: RunRecords, log: Logger, onModelDead: (reason: string) => void) {
    this.#records = records;
    this.#log = log;
    this.#onModelDead = onModelDead;
  }

  /** Records a prompt's result: its `prompt_results` row (only the first per prompt counts), its metric, its log line. */
  write(row: PromptResultRow): void {
    if (this.#records.addPromptResult(row)) {
      this.#written.add(row.promptIndex);
      countPrompt(row);
    }
    this.#modelFailuresInARow = row.errorType === 'model' ? this.#modelFailuresInARow + 1 : 0;
    if (this.#modelFailuresInARow >= MODEL_DEAD_AFTER_PROMPTS)
      this.#onModelDead(`the model failed ${this.#modelFailuresInARow} prompts in a row (last: ${row.error})`);
    this.#log.info(
      {
        prompt_index: row.promptIndex,
        status: row.status,
        attempts: row.attempts,
        error_type: row.errorType,
        duration_ms: row.finishedAt - row.startedAt,
      },
      `prompt ${row.status}`,
    );
  }

  /**
   * Records an `interrupted` row for every prompt that has none yet (see {@link unfinishedPromptRow}).
   * @param prompts every prompt of the run
   * @param run how the run ended, and why when it failed
   * @param now the clock, ms since the epoch
   */
  writeUnfinished(
    prompts: readonly Parameters<typeof unfinishedPromptRow>[0][],
    run: { status: RunStatus; reason?: string },
    now: () => number,
  ): void {
    for (const prompt of prompts) {
      if (!this.#written.has(prompt.index)) this.write(unfinishedPromptRow(prompt, run, now()));
    }
  }
}

/**
 * The recorder of tool call attempts: each one's `tool_calls` row, its metric and its agent.log line.
 * @param records the run's records
 * @param log agent.log, bound to the run
 */
export function toolAttemptRecorder(records: RunRecords, log: Logger): (row: ToolCallRow) => void {
  return (row) => {
    records.addToolCall(row);
    countToolAttempt(row);
    log.info(
      {
        prompt_index: row.promptIndex,
        prompt_attempt: row.promptAttempt,
        call_id: row.callId,
        attempt_id: row.attemptId,
        tool: row.tool,
        service: row.service,
        attempt: row.attempt,
        via: row.via,
        outcome: row.outcome,
        http_status: row.httpStatus,
        simulated: row.simulated ?? false,
        wait_ms: row.waitMs ?? 0,
        retry_after_ms: row.retryAfterMs ?? null,
        duration_ms: Math.round(row.durationMs),
        error: row.error,
      },
      'tool attempt',
    );
  };
}

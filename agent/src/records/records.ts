/**
 * What the agent writes to the lab database (docs/record.md): the `runs` row, the `control` row the
 * proxy-manager reads, one `prompt_results` row per prompt and one `tool_calls` row per attempt.
 *
 * Every write is its own immediate transaction ({@link writeTransaction}), so the proxy-manager and the
 * chart renderer, in other processes, see each row as soon as it is written.
 */
import { type Database, type Phase, type PromptStatus, PROMPT_STATUSES, writeTransaction } from '@chaos-lab/common';
import type { ToolAttempt } from '../tool-calls/tool-call.js';

/** How a run ended (`runs.status`, besides `running`). */
export type RunStatus = 'completed' | 'failed' | 'interrupted';

/** Why a prompt failed (`prompt_results.error_type`). */
export type PromptErrorType = 'network' | 'server' | 'tool_limit' | 'model' | 'agent' | 'timeout' | 'interrupted';

/** One `tool_calls` row. */
export interface ToolCallRow extends ToolAttempt {
  readonly promptIndex: number;
  readonly promptAttempt: number;
  /** The logical call the attempt belongs to (also its `request_id`). */
  readonly callId: string;
  readonly tool: string;
  readonly service: string;
}

/**
 * One `logical_calls` row: a tool call as the model asked for it, whatever its attempts did.
 * `status`: `result` (a 2xx answer), `refused` (the service answered with a 4xx or another non-retryable
 * status), `no_result` (every attempt failed), `agent_error` (the agent's own code failed).
 */
export interface LogicalCallRow {
  readonly callId: string;
  readonly promptIndex: number;
  readonly promptAttempt: number;
  readonly tool: string;
  readonly service: string;
  /** The model's arguments, as validated by the tool's schema. */
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly status: 'result' | 'refused' | 'no_result' | 'agent_error';
  readonly attempts: number;
  readonly httpStatus: number | null;
  /** The first characters of the answer's body (JSON text), for reading; null without a body. */
  readonly resultDigest: string | null;
  /** SHA-256 (hex) of the whole body text; null without a body. */
  readonly resultSha256: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** One `prompt_results` row. */
export interface PromptResultRow {
  readonly promptIndex: number;
  /** The prompt's `id` in the prompts file, if it has one. */
  readonly promptId?: string | null;
  /** The prompt's `tags` in the prompts file. */
  readonly tags?: readonly string[];
  readonly prompt: string;
  readonly status: PromptStatus;
  /** The prompt's expectation as written in the prompts file (JSON-able), null when it has none. */
  readonly expectation?: unknown;
  /** Why the status: which expectation was not met, or that the answer was not checked. */
  readonly verdict?: string | null;
  /** Attempts made (0 when the run was interrupted before the prompt started). */
  readonly attempts: number;
  readonly answer: string | null;
  readonly errorType: PromptErrorType | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/**
 * The row of a prompt the run never finished: status `interrupted`, no attempt, the run's reason.
 * Written by the agent when its run stops early, and by the launcher for prompts a dead agent never
 * reached, so both say the same thing.
 * @param prompt the prompt as loaded from the prompts file (index, text, id, tags)
 * @param run how the run ended: `failed` with its reason, or interrupted
 * @param at when the row is written, ms since the epoch
 */
export function unfinishedPromptRow(
  prompt: { readonly index: number; readonly prompt: string; readonly id?: string; readonly tags?: readonly string[] },
  run: { readonly status: RunStatus; readonly reason?: string | null },
  at: number,
): PromptResultRow {
  return {
    promptIndex: prompt.index,
    promptId: prompt.id ?? null,
    tags: prompt.tags ?? [],
    prompt: prompt.prompt,
    status: 'interrupted',
    attempts: 0,
    answer: null,
    errorType: 'interrupted',
    error:
      run.status === 'failed'
        ? `the run failed before the prompt finished: ${run.reason}`
        : 'the run was interrupted before the prompt finished',
    startedAt: at,
    finishedAt: at,
  };
}

/** The writes of one run, bound to its `run_id`. */
export class RunRecords {
  readonly runId: string;
  readonly #db: Database;
  readonly #now: () => number;

  /**
   * @param db an open, migrated database
   * @param runId the run's id
   * @param now clock, ms since the epoch
   */
  constructor(db: Database, runId: string, now: () => number) {
    this.#db = db;
    this.runId = runId;
    this.#now = now;
  }

  /**
   * Inserts the `runs` row (status `running`) and the `control` row (phase `starting`).
   * @returns false when a run with this id already exists (nothing written)
   */
  start(run: { seed: number; settings: Record<string, unknown>; promptsTotal: number; model: string }): boolean {
    const now = this.#now();
    return writeTransaction(this.#db, () => {
      if (this.#db.prepare('SELECT 1 FROM runs WHERE run_id = ?').get(this.runId)) return false;
      this.#db
        .prepare(
          `INSERT INTO runs (run_id, started_at, status, seed, settings, prompts_total, model)
           VALUES (?, ?, 'running', ?, ?, ?, ?)`,
        )
        .run(this.runId, now, run.seed, JSON.stringify(run.settings), run.promptsTotal, run.model);
      this.#db
        .prepare(
          'INSERT INTO control (run_id, phase, current_prompt, heartbeat_at, updated_at) VALUES (?, ?, NULL, ?, ?)',
        )
        .run(this.runId, 'starting', now, now);
      return true;
    });
  }

  /** Sets the phase and the prompt in flight (null when none); also a heartbeat. */
  setPhase(phase: Phase, currentPrompt: number | null): void {
    const now = this.#now();
    writeTransaction(this.#db, () =>
      this.#db
        .prepare('UPDATE control SET phase = ?, current_prompt = ?, heartbeat_at = ?, updated_at = ? WHERE run_id = ?')
        .run(phase, currentPrompt, now, now, this.runId),
    );
  }

  /** Stamps `control.heartbeat_at`: the agent is alive. */
  heartbeat(): void {
    writeTransaction(this.#db, () =>
      this.#db.prepare('UPDATE control SET heartbeat_at = ? WHERE run_id = ?').run(this.#now(), this.runId),
    );
  }

  /** Inserts one `tool_calls` row (durations rounded to whole ms). */
  addToolCall(row: ToolCallRow): void {
    writeTransaction(this.#db, () =>
      this.#db
        .prepare(
          `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, attempt_id, tool, service, attempt, via, outcome,
                                   http_status, simulated, wait_ms, retry_after_ms, started_at, duration_ms, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          this.runId,
          row.promptIndex,
          row.promptAttempt,
          row.callId,
          row.attemptId ?? null,
          row.tool,
          row.service,
          row.attempt,
          row.via,
          row.outcome,
          row.httpStatus,
          row.simulated ? 1 : 0,
          Math.round(row.waitMs ?? 0),
          row.retryAfterMs ?? null,
          row.startedAt,
          Math.round(row.durationMs),
          row.error,
        ),
    );
  }

  /** Inserts one `logical_calls` row, when the call has ended. */
  addLogicalCall(row: LogicalCallRow): void {
    writeTransaction(this.#db, () =>
      this.#db
        .prepare(
          `INSERT OR REPLACE INTO logical_calls (call_id, run_id, prompt_index, prompt_attempt, tool, service, arguments, status,
                                                 attempts, http_status, result_digest, result_sha256, started_at, finished_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          row.callId,
          this.runId,
          row.promptIndex,
          row.promptAttempt,
          row.tool,
          row.service,
          JSON.stringify(row.arguments),
          row.status,
          row.attempts,
          row.httpStatus,
          row.resultDigest,
          row.resultSha256,
          row.startedAt,
          row.finishedAt,
        ),
    );
  }

  /**
   * Inserts a prompt's one `prompt_results` row.
   * @returns false when the prompt already has its row (nothing written): a prompt never gets two
   */
  addPromptResult(row: PromptResultRow): boolean {
    const info = writeTransaction(this.#db, () =>
      this.#db
        .prepare(
          `INSERT OR IGNORE INTO prompt_results (run_id, prompt_index, prompt_id, tags, prompt, status, attempts, answer,
                                                 expectation, verdict, error_type, error, started_at, finished_at, duration_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          this.runId,
          row.promptIndex,
          row.promptId ?? null,
          JSON.stringify(row.tags ?? []),
          row.prompt,
          row.status,
          row.attempts,
          row.answer,
          row.expectation === undefined || row.expectation === null ? null : JSON.stringify(row.expectation),
          row.verdict ?? null,
          row.errorType,
          row.error,
          row.startedAt,
          row.finishedAt,
          Math.max(0, row.finishedAt - row.startedAt),
        ),
    );
    return info.changes === 1;
  }

  /** Closes the run: status, finish time, one count per prompt status from its results, phase `done`. */
  finish(status: RunStatus, error: string | null): void {
    const now = this.#now();
    writeTransaction(this.#db, () => {
      this.#db
        .prepare(
          `UPDATE runs SET status = ?, finished_at = ?, error = ?,
                  ${PROMPT_STATUSES.map((st) => `prompts_${st} = (SELECT COUNT(*) FROM prompt_results WHERE run_id = runs.run_id AND status = '${st}')`).join(',\n')}
            WHERE run_id = ?`,
        )
        .run(status, now, error, this.runId);
      this.#db
        .prepare(
          "UPDATE control SET phase = 'done', current_prompt = NULL, heartbeat_at = ?, updated_at = ? WHERE run_id = ?",
        )
        .run(now, now, this.runId);
    });
  }
}

/**
 * Reads one run's rows from the lab database (the record: docs/record.md): the `runs` row, its prompt
 * results, tool call attempts with their causes, logical tool calls, fault events with their blast
 * radius and the root causes of its prompts (the attribution views of schema migration 3).
 * Read-only; times stay ms since the epoch, durations ms.
 */
import { LabError, type Database, type PromptStatus } from '@chaos-lab/common';
import { loadModelCalls, type ModelCallRow } from './model-calls.js';

/** The `runs` row of the run being charted. */
export interface RunRow {
  readonly runId: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  /** ms since the epoch; null while the run is still going (or when it crashed). */
  readonly finishedAt: number | null;
  readonly status: string;
  readonly seed: number;
  /** The run's settings as the agent stored them (secrets already redacted); {} when not JSON. */
  readonly settings: Record<string, unknown>;
  readonly promptsTotal: number;
  /** The model label the agent recorded, e.g. `offline` or a Groq model name; null when unknown. */
  readonly model: string | null;
  readonly error: string | null;
}

/** One `prompt_results` row. */
export interface PromptRow {
  /** 0-based position in the prompts file. */
  readonly promptIndex: number;
  /** The prompt's `id` in the prompts file; null when it has none. */
  readonly promptId: string | null;
  readonly prompt: string;
  readonly status: PromptStatus;
  readonly attempts: number;
  readonly answer: string | null;
  /** Why the status: which expectation was not met, or that the answer was not checked. */
  readonly verdict: string | null;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
}

/** Why a failed attempt failed (the `attempt_causes` view, schema migration 3). */
export type AttemptCause = 'simulated_error' | 'service_down' | 'toxic' | 'cancelled' | 'client_timeout' | 'unknown';

/** Every {@link AttemptCause}, in the view's precedence order. */
export const ATTEMPT_CAUSES: readonly AttemptCause[] = [
  'simulated_error',
  'service_down',
  'toxic',
  'cancelled',
  'client_timeout',
  'unknown',
];

/** One `tool_calls` row: a single attempt of a tool call, through the proxy or direct, with its cause. */
export interface ToolCallRow {
  /** `tool_calls.id` (`attempt_row` in the attribution views). */
  readonly id: number;
  readonly promptIndex: number;
  readonly promptAttempt: number;
  /** Groups the attempts (proxy retries and the direct fallback) of one logical tool call. */
  readonly callId: string;
  /** The attempt's own request id (X-Request-Id); null in runs recorded before schema v2. */
  readonly attemptId: string | null;
  readonly tool: string;
  /** Registry service name, e.g. `weather`. */
  readonly service: string;
  readonly attempt: number;
  readonly via: 'proxy' | 'direct';
  readonly outcome: 'ok' | 'http_error' | 'timeout' | 'connection_error' | 'reset' | 'closed' | 'cancelled';
  readonly httpStatus: number | null;
  /** True when the service marked its answer as a simulated error. */
  readonly simulated: boolean;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly error: string | null;
  /**
   * The failure's cause: an {@link AttemptCause}, or the kind of a fault added later (a planned
   * `http_error` or `service` fault); null for an attempt that got an answer (2xx, or a 4xx that ends the call).
   */
  readonly cause: AttemptCause | (string & {}) | null;
  /** The fault event blamed (toxic or service_down cause), else null. */
  readonly faultEventId: number | null;
}

/** One `logical_calls` row: a tool call as the model asked for it. */
export interface LogicalCallRow {
  readonly callId: string;
  readonly promptIndex: number;
  readonly promptAttempt: number;
  readonly tool: string;
  readonly service: string;
  /** The model's arguments; {} when the column is not JSON. */
  readonly arguments: Record<string, unknown>;
  /** `result`, `refused`, `no_result` or `agent_error`. */
  readonly status: string;
  readonly attempts: number;
  readonly httpStatus: number | null;
  /** The first characters of the answer's body; null without one. */
  readonly resultDigest: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** One `fault_events` row: a fault (a toxic on a proxy, a service down…) from `startedAt` to `endedAt`. */
export interface FaultEventRow {
  readonly id: number;
  /** `toxic`, `service_down`, … */
  readonly kind: string;
  /** Toxiproxy proxy name, `<service>_proxy`; null for a fault that is not on a proxy. */
  readonly proxy: string | null;
  readonly service: string | null;
  readonly name: string;
  /** Toxiproxy toxic type for a toxic (e.g. `timeout`), the fault's own type otherwise. */
  readonly type: string;
  readonly stream: 'upstream' | 'downstream' | null;
  readonly toxicity: number | null;
  /** The fault's attributes (toxic attributes: `latency` ms, `timeout` ms, …); {} when not JSON. */
  readonly attributes: Record<string, unknown>;
  readonly startedAt: number;
  /** null while the fault is still active. */
  readonly endedAt: number | null;
  readonly endedBy: string | null;
}

/** One `fault_blast_radius` row: what a fault event touched and caused (see schema migration 3). */
export interface BlastRadiusRow {
  readonly faultEventId: number;
  readonly attemptsTouched: number;
  readonly attemptsFailed: number;
  readonly attemptsAttributed: number;
  readonly promptsTouched: number;
  /** Indexes of the prompts touched, ascending. */
  readonly promptIndexes: number[];
  readonly promptsRootCaused: number;
}

/** One `prompt_causes` row: the root cause of a prompt that did not end well. */
export interface PromptCauseRow {
  readonly promptIndex: number;
  /** An {@link AttemptCause}, or the prompt's error type when no tool call ended without an answer; null for none. */
  readonly rootCause: string | null;
  readonly rootFaultEventId: number | null;
  readonly failedAttempts: number;
}

/** Everything recorded about one run. */
export interface RunData {
  readonly run: RunRow;
  /** Ordered by prompt index. */
  readonly prompts: readonly PromptRow[];
  /** Ordered by start time. */
  readonly toolCalls: readonly ToolCallRow[];
  /** Ordered by start time. */
  readonly logicalCalls: readonly LogicalCallRow[];
  /** The run's fault events of every kind, ordered by start time. */
  readonly faultEvents: readonly FaultEventRow[];
  /** One per fault event, in `faultEvents` order. */
  readonly blastRadius: readonly BlastRadiusRow[];
  /** Prompts that did not end well, by prompt index. */
  readonly promptCauses: readonly PromptCauseRow[];
  /** One per HTTP request of a model call, in order (none before schema 5). */
  readonly modelCalls: readonly ModelCallRow[];
}

type RawRunRow = Omit<RunRow, 'settings'> & { settings: string };

/** A `fault_blast_radius` row as read: the fault event's columns and its blast radius. */
type RawFaultRow = Omit<FaultEventRow, 'attributes'> &
  Omit<BlastRadiusRow, 'faultEventId' | 'promptIndexes'> & { attributes: string; promptIndexes: string };

/** A JSON object column as an object; {} when it is not one. */
function parseObject(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** True when better-sqlite3 failed because the schema is not there (a database no writer created). */
function isMissingTable(err: unknown): boolean {
  return err instanceof Error && /no such table/i.test(err.message);
}

/**
 * Loads a run: the one named, or the latest started one.
 * @param db an open database (read-only is enough)
 * @param runId the run to load; undefined = the run with the latest `started_at`
 * @returns the run's rows
 * @throws {LabError} `NOT_FOUND` when the database holds no run, or none with that id (the message
 *   lists the latest run ids so the user can pick one)
 */
export function loadRunData(db: Database, runId?: string): RunData {
  let run: RawRunRow | undefined;
  try {
    run = db
      .prepare(
        `SELECT run_id AS runId, started_at AS startedAt, finished_at AS finishedAt, status, seed, settings,
                prompts_total AS promptsTotal, model, error
           FROM runs ${runId === undefined ? '' : 'WHERE run_id = ?'}
          ORDER BY started_at DESC, rowid DESC LIMIT 1`,
      )
      .get(...(runId === undefined ? [] : [runId])) as RawRunRow | undefined;
  } catch (err) {
    if (isMissingTable(err))
      throw new LabError('NOT_FOUND', `no runs recorded in ${db.name}: the lab has not run yet`, { cause: err });
    throw err;
  }
  if (!run) {
    if (runId === undefined) throw new LabError('NOT_FOUND', `no runs recorded in ${db.name}: the lab has not run yet`);
    const recent = (
      db.prepare('SELECT run_id AS runId FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 5').all() as {
        runId: string;
      }[]
    ).map((r) => r.runId);
    const hint = recent.length > 0 ? `; latest runs: ${recent.join(', ')}` : '; the database holds no runs';
    throw new LabError('NOT_FOUND', `no run "${runId}" in ${db.name}${hint}`);
  }
  const id = run.runId;
  const prompts = db
    .prepare(
      `SELECT prompt_index AS promptIndex, prompt_id AS promptId, prompt, status, attempts, answer, verdict, error_type AS errorType,
              error, started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs
         FROM prompt_results WHERE run_id = ? ORDER BY prompt_index`,
    )
    .all(id) as PromptRow[];
  const toolCalls = (
    db
      .prepare(
        `SELECT t.id, t.prompt_index AS promptIndex, t.prompt_attempt AS promptAttempt, t.call_id AS callId, t.attempt_id AS attemptId,
                t.tool, t.service, t.attempt, t.via, t.outcome, t.http_status AS httpStatus, t.simulated, t.started_at AS startedAt,
                t.duration_ms AS durationMs, t.error, c.cause, c.fault_event_id AS faultEventId
           FROM tool_calls t LEFT JOIN attempt_causes c ON c.attempt_row = t.id
          WHERE t.run_id = ? ORDER BY t.started_at, t.id`,
      )
      .all(id) as (Omit<ToolCallRow, 'simulated'> & { simulated: number })[]
  ).map((c) => ({ ...c, simulated: c.simulated === 1 }));
  const logicalCalls = (
    db
      .prepare(
        `SELECT call_id AS callId, prompt_index AS promptIndex, prompt_attempt AS promptAttempt, tool, service, arguments, status,
                attempts, http_status AS httpStatus, result_digest AS resultDigest, started_at AS startedAt, finished_at AS finishedAt
           FROM logical_calls WHERE run_id = ? ORDER BY started_at, call_id`,
      )
      .all(id) as (Omit<LogicalCallRow, 'arguments'> & { arguments: string })[]
  ).map((c) => ({ ...c, arguments: parseObject(c.arguments) }));
  const faults = db
    .prepare(
      `SELECT b.fault_event_id AS id, b.kind, b.proxy, b.service, b.name, b.type, b.stream, b.toxicity, b.attributes,
              b.started_at AS startedAt, b.ended_at AS endedAt, b.ended_by AS endedBy,
              b.attempts_touched AS attemptsTouched, b.attempts_failed AS attemptsFailed, b.attempts_attributed AS attemptsAttributed,
              b.prompts_touched AS promptsTouched, b.prompt_indexes AS promptIndexes, b.prompts_root_caused AS promptsRootCaused
         FROM fault_blast_radius b WHERE b.run_id = ? ORDER BY b.started_at, b.fault_event_id`,
    )
    .all(id) as RawFaultRow[];
  const faultEvents: FaultEventRow[] = faults.map((f) => ({
    id: f.id,
    kind: f.kind,
    proxy: f.proxy,
    service: f.service,
    name: f.name,
    type: f.type,
    stream: f.stream,
    toxicity: f.toxicity,
    attributes: parseObject(f.attributes),
    startedAt: f.startedAt,
    endedAt: f.endedAt,
    endedBy: f.endedBy,
  }));
  const blastRadius: BlastRadiusRow[] = faults.map((f) => ({
    faultEventId: f.id,
    attemptsTouched: f.attemptsTouched,
    attemptsFailed: f.attemptsFailed,
    attemptsAttributed: f.attemptsAttributed,
    promptsTouched: f.promptsTouched,
    promptIndexes: JSON.parse(f.promptIndexes) as number[],
    promptsRootCaused: f.promptsRootCaused,
  }));
  const promptCauses = db
    .prepare(
      `SELECT prompt_index AS promptIndex, root_cause AS rootCause, root_fault_event_id AS rootFaultEventId, failed_attempts AS failedAttempts
         FROM prompt_causes WHERE run_id = ? ORDER BY prompt_index`,
    )
    .all(id) as PromptCauseRow[];
  const modelCalls = loadModelCalls(db, id);
  return {
    run: { ...run, settings: parseObject(run.settings) },
    prompts,
    toolCalls,
    logicalCalls,
    faultEvents,
    blastRadius,
    promptCauses,
    modelCalls,
  };
}

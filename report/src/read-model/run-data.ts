/**
 * Reads one run's rows from the lab database (the record: docs/record.md): the `runs` row, its prompt
 * results, tool call attempts with their causes, tool calls, fault events with their blast radius and
 * the root causes of its prompts (the views of schema migration 10, over both sources: the lab's own
 * agent's `tool_calls` and an agent over HTTP's `service_requests`). Read-only; times stay ms since
 * the epoch, durations ms.
 */
import { LabError, MIGRATIONS, schemaVersion, type Database } from '@chaos-lab/common';
import { loadModelCalls } from './model-calls.js';
import type {
  BlastRadiusRow,
  FaultEventRow,
  LogicalCallRow,
  PromptCauseRow,
  PromptRow,
  RunData,
  RunRow,
  ToolCallRow,
} from './run-rows.js';

type RawRunRow = Omit<RunRow, 'settings'> & { settings: string };

/** A `fault_blast_radius` row as read: the fault event's columns and its blast radius. */
type RawFaultRow = Omit<FaultEventRow, 'attributes'> &
  Omit<BlastRadiusRow, 'faultEventId' | 'promptIndexes' | 'inferredPromptIndexes'> & {
    attributes: string;
    promptIndexes: string;
    inferredPromptIndexes: string;
  };

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
  const version = schemaVersion(db);
  if (version < MIGRATIONS.length)
    throw new LabError(
      'DATABASE',
      `${db.name} is at schema version ${version}, the report reads version ${MIGRATIONS.length}: run any chaos-lab command on it once (it upgrades the file in place)`,
    );
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
        `SELECT t.attempt_row AS id, t.source, t.attribution, t.prompt_index AS promptIndex, t.prompt_attempt AS promptAttempt,
                t.call_id AS callId, t.attempt_id AS attemptId, t.tool, t.service, t.attempt, t.via, t.outcome, t.http_status AS httpStatus,
                t.simulated, t.started_at AS startedAt, t.duration_ms AS durationMs, t.error, c.cause, c.fault_event_id AS faultEventId
           FROM tool_attempts t
           -- The run named in the subquery too, so the view is computed for this run's attempts only.
           LEFT JOIN (SELECT attempt_row, cause, fault_event_id FROM attempt_causes WHERE run_id = ?) c ON c.attempt_row = t.attempt_row
          WHERE t.run_id = ? ORDER BY t.started_at, t.attempt_row`,
      )
      .all(id, id) as (Omit<ToolCallRow, 'simulated'> & { simulated: number })[]
  ).map((c) => ({ ...c, simulated: c.simulated === 1 }));
  const logicalCalls = (
    db
      .prepare(
        `SELECT call_id AS callId, source, attribution, prompt_index AS promptIndex, prompt_attempt AS promptAttempt, tool, service,
                arguments, status, attempts, http_status AS httpStatus, result_digest AS resultDigest, started_at AS startedAt,
                finished_at AS finishedAt
           FROM tool_call_summaries WHERE run_id = ? ORDER BY started_at, call_id`,
      )
      .all(id) as (Omit<LogicalCallRow, 'arguments'> & { arguments: string })[]
  ).map((c) => ({ ...c, arguments: parseObject(c.arguments) }));
  const faults = db
    .prepare(
      `SELECT b.fault_event_id AS id, b.kind, b.proxy, b.service, b.name, b.type, b.stream, b.toxicity, b.attributes,
              b.started_at AS startedAt, b.ended_at AS endedAt, b.ended_by AS endedBy,
              b.attempts_touched AS attemptsTouched, b.attempts_failed AS attemptsFailed, b.attempts_attributed AS attemptsAttributed,
              b.model_requests_touched AS modelRequestsTouched, b.model_requests_failed AS modelRequestsFailed,
              b.prompts_touched AS promptsTouched, b.prompt_indexes AS promptIndexes,
              b.inferred_prompt_indexes AS inferredPromptIndexes, b.prompts_root_caused AS promptsRootCaused
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
    modelRequestsTouched: f.modelRequestsTouched,
    modelRequestsFailed: f.modelRequestsFailed,
    promptsTouched: f.promptsTouched,
    promptIndexes: JSON.parse(f.promptIndexes) as number[],
    inferredPromptIndexes: JSON.parse(f.inferredPromptIndexes) as number[],
    promptsRootCaused: f.promptsRootCaused,
  }));
  const promptCauses = (
    db
      .prepare(
        `SELECT prompt_index AS promptIndex, root_cause AS rootCause, root_fault_event_id AS rootFaultEventId,
                root_inferred AS rootInferred, failed_attempts AS failedAttempts
           FROM prompt_causes WHERE run_id = ? ORDER BY prompt_index`,
      )
      .all(id) as (Omit<PromptCauseRow, 'rootInferred'> & { rootInferred: number })[]
  ).map((c) => ({ ...c, rootInferred: c.rootInferred === 1 }));
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

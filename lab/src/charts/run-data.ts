/**
 * Reads one run's rows from the lab database (DESIGN.md "State"): the `runs` row, its prompt
 * results, tool calls and toxic events. Read-only; times stay ms since the epoch, durations ms.
 */
import { LabError, type Database } from '@chaos-lab/common';

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
  readonly prompt: string;
  readonly status: 'succeeded' | 'failed';
  readonly attempts: number;
  readonly errorType: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
}

/** One `tool_calls` row: a single attempt of a tool call, through the proxy or direct. */
export interface ToolCallRow {
  readonly promptIndex: number;
  readonly promptAttempt: number;
  /** Groups the attempts (proxy retries and the direct fallback) of one logical tool call. */
  readonly callId: string;
  readonly tool: string;
  /** Registry service name, e.g. `weather`. */
  readonly service: string;
  readonly attempt: number;
  readonly via: 'proxy' | 'direct';
  readonly outcome: 'ok' | 'http_error' | 'timeout' | 'connection_error' | 'reset';
  readonly httpStatus: number | null;
  readonly startedAt: number;
  readonly durationMs: number;
}

/** One `toxic_events` row: a toxic that was present on a proxy from `startedAt` to `endedAt`. */
export interface ToxicEventRow {
  /** Toxiproxy proxy name, `<service>_proxy`. */
  readonly proxy: string;
  readonly name: string;
  /** Toxiproxy toxic type, e.g. `timeout`. */
  readonly type: string;
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly startedAt: number;
  /** null while the toxic is still on the proxy. */
  readonly endedAt: number | null;
}

/** Everything recorded about one run. */
export interface RunData {
  readonly run: RunRow;
  /** Ordered by prompt index. */
  readonly prompts: readonly PromptRow[];
  /** Ordered by start time. */
  readonly toolCalls: readonly ToolCallRow[];
  /** Ordered by start time. */
  readonly toxicEvents: readonly ToxicEventRow[];
}

type RawRunRow = Omit<RunRow, 'settings'> & { settings: string };

function parseSettings(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
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
    if (isMissingTable(err)) throw new LabError('NOT_FOUND', `no runs recorded in ${db.name}: the lab has not run yet`, { cause: err });
    throw err;
  }
  if (!run) {
    if (runId === undefined) throw new LabError('NOT_FOUND', `no runs recorded in ${db.name}: the lab has not run yet`);
    const recent = (db.prepare('SELECT run_id AS runId FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 5').all() as { runId: string }[]).map((r) => r.runId);
    const hint = recent.length > 0 ? `; latest runs: ${recent.join(', ')}` : '; the database holds no runs';
    throw new LabError('NOT_FOUND', `no run "${runId}" in ${db.name}${hint}`);
  }
  const id = run.runId;
  const prompts = db
    .prepare(
      `SELECT prompt_index AS promptIndex, prompt, status, attempts, error_type AS errorType,
              started_at AS startedAt, finished_at AS finishedAt, duration_ms AS durationMs
         FROM prompt_results WHERE run_id = ? ORDER BY prompt_index`,
    )
    .all(id) as PromptRow[];
  const toolCalls = db
    .prepare(
      `SELECT prompt_index AS promptIndex, prompt_attempt AS promptAttempt, call_id AS callId, tool, service, attempt, via,
              outcome, http_status AS httpStatus, started_at AS startedAt, duration_ms AS durationMs
         FROM tool_calls WHERE run_id = ? ORDER BY started_at, id`,
    )
    .all(id) as ToolCallRow[];
  const toxicEvents = db
    .prepare(
      `SELECT proxy, name, type, stream, toxicity, started_at AS startedAt, ended_at AS endedAt
         FROM toxic_events WHERE run_id = ? ORDER BY started_at, id`,
    )
    .all(id) as ToxicEventRow[];
  return { run: { ...run, settings: parseSettings(run.settings) }, prompts, toolCalls, toxicEvents };
}

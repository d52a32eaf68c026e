/**
 * The gateway's fault source in a lab: the proxy-manager's fault schedule. Per request:
 *
 *   announce (POST <PROXY_MANAGER_URL>/calls, tool "model", the request's call id and attempt)
 *     → the schedule counts the model call, fires or ends its planned `llm` faults, then acknowledges
 *   read the run's open `llm` fault event (fault_events, kind llm) → the fault, with its attributes
 *   mark it: the request id is appended to the event's `attributes.request_ids` (the agent's model_calls
 *     row finds its fault by it)
 *
 * as the tool services read open `http_error` events (tools/src/server/planned-fault.ts). The prompt a
 * request is announced under is the one it names (request-scope.ts: the contract's `X-Request-Id`
 * prefix, or `X-Chaos-Run` and `X-Chaos-Prompt`). A request that names none (a client that knows no
 * contract) is announced under the current run's prompt in flight (`control.current_prompt` of an
 * active run): the prompts of an agent under test run one at a time, so it is that prompt's, as its
 * `service_requests` row is tied by time; so `random`, `call` and `prompt` triggers reach it too.
 * With no prompt in flight it is not announced and meets the faults open for the current run
 * (time-triggered ones: `random` per tick, `window`, and a fault another request fired that is still
 * open). An `X-Request-Id` ending in `#<n>` (`<model call id>#<attempt>`, as the lab's agent and the
 * contract send it) lets the schedule tell a call from its retries; another id is a call of one attempt.
 *
 * A manager that does not answer within {@link ANNOUNCE_TIMEOUT_MS}, or a database that cannot be read,
 * is logged once and the request goes ahead unfaulted: a lost signal must not stop the model.
 */
import {
  announcementPoster,
  callOfRequest,
  CURRENT_RUN_ID_SQL,
  currentRun,
  databaseWhenPresent,
  MODEL_CALLS,
  type Database,
  type LlmFaultKind,
  type Logger,
} from '@chaos-lab/common';
import type { LlmFault } from './faults.js';
import type { FaultQuery, LlmFaultSource } from './source.js';

/** How long a request waits for the schedule's acknowledgement, ms (the agent's tool calls wait as long). */
export const ANNOUNCE_TIMEOUT_MS = 5000;

/** The call id and attempt of a request id (common/src/record/request-id.ts), re-exported for the gateway's readers. */
export { callOfRequest };

/**
 * The planned source.
 * @param dbPath the lab's database (opened at the first request that finds the file)
 * @param managerUrl the proxy-manager's HTTP API, e.g. `http://127.0.0.1:8000`
 */
export function plannedLlmFaults(dbPath: string, managerUrl: string, logger: Logger): LlmFaultSource {
  const post = announcementPoster(
    managerUrl,
    logger,
    'the proxy-manager did not acknowledge a model call: requests go ahead without planned LLM faults',
  );
  const announce = (q: FaultQuery & { runId: string; promptIndex: number }) =>
    post(
      { runId: q.runId, promptIndex: q.promptIndex, tool: MODEL_CALLS, ...callOfRequest(q.requestId) },
      ANNOUNCE_TIMEOUT_MS,
    );
  const use = databaseWhenPresent(dbPath, {
    logger,
    warning: 'planned LLM faults cannot be read: requests go ahead without planned LLM faults',
  });
  return async (q) => {
    const prompt =
      q.runId !== undefined && q.promptIndex !== undefined
        ? { runId: q.runId, promptIndex: q.promptIndex }
        : q.runId === undefined
          ? use(promptInFlight)
          : undefined;
    if (prompt) await announce({ ...q, ...prompt });
    return use((db) => openFault(db, { ...q, runId: prompt?.runId ?? q.runId }));
  };
}

/** The current run's prompt in flight, when the run is active and a prompt is running. */
function promptInFlight(db: Database): { runId: string; promptIndex: number } | undefined {
  const run = currentRun(db);
  return run?.phase === 'active' && run.currentPrompt !== null
    ? { runId: run.runId, promptIndex: run.currentPrompt }
    : undefined;
}

/** The run's newest open `llm` event as a fault, marked with the request's id; undefined when none is open. */
function openFault(db: Database, q: FaultQuery): LlmFault | undefined {
  const row = db
    .prepare(
      `SELECT id, type, attributes FROM fault_events
        WHERE kind = 'llm' AND ended_at IS NULL
          AND run_id = coalesce(?, ${CURRENT_RUN_ID_SQL})
        ORDER BY id DESC LIMIT 1`,
    )
    .get(q.runId ?? null) as { id: number; type: LlmFaultKind; attributes: string } | undefined;
  if (!row) return undefined;
  db.prepare(
    `UPDATE fault_events SET attributes = json_insert(CASE WHEN json_type(attributes, '$.request_ids') = 'array' THEN attributes
       ELSE json_set(attributes, '$.request_ids', json('[]')) END, '$.request_ids[#]', ?) WHERE id = ?`,
  ).run(q.requestId, row.id);
  const { request_ids: _ids, ...attributes } = JSON.parse(row.attributes) as Omit<LlmFault, 'kind' | 'event_id'> & {
    request_ids?: unknown;
  };
  return { ...attributes, kind: row.type, event_id: row.id };
}

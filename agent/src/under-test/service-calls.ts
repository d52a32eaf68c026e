/**
 * What an agent over HTTP did in one prompt attempt, read from where its calls arrived: the services'
 * `service_requests` rows (common/src/service-requests.ts).
 *
 *   attempt ends ─▶ claim the unclaimed rows: X-Request-Id starts with the attempt's prefix
 *                   (attribution 'request_id'), else received while the attempt ran ('inferred_time')
 *                ─▶ tool rows ─▶ the calls the verdict reads (tool and arguments, through the surface);
 *                   each row gets its tool's name (service_requests.tool)
 *                ─▶ model rows ─▶ wait up to OPEN_MODEL_REQUEST_WAIT_MS for those still open
 *                   ─▶ model_calls rows (provider 'agent-under-test', with the LLM fault applied)
 *                ─▶ expected calls not seen on a service that had a fault, or a request still open
 *                   ─▶ not checkable (verdict-limits.ts); those of a faulted service ─▶ unseen_calls
 *
 * Prompts of an agent over HTTP run one at a time (`AGENT_CONCURRENCY` 1), so a request that arrived
 * while an attempt ran is that attempt's: an inference, recorded as one.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Database } from '@chaos-lab/common';
import { llmFaultOfRequest } from '../model/model-call-rows.js';
import type { Expectation } from '../verdicts/verdict-expectation.js';
import type { CallMade } from '../verdicts/verdict.js';
import { type LabSurface, callFromRequest } from './surface.js';
import type { UncheckedCalls } from './verdict-limits.js';

/** A `service_requests` row, as read back. */
interface ServiceRequestRow {
  readonly id: number;
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly request_id: string | null;
  readonly arguments: string | null;
  readonly status: number | null;
  readonly received_at: number;
  readonly duration_ms: number | null;
}

/** One prompt attempt of the run, and when it ran (ms since the epoch). */
export interface AttemptWindow {
  readonly runId: string;
  readonly promptIndex: number;
  readonly promptAttempt: number;
  /** The attempt's `X-Request-Id` prefix. */
  readonly prefix: string;
  readonly from: number;
  readonly to: number;
}

/** What the services saw of one attempt. */
export interface SeenCalls {
  readonly calls: CallMade[];
  readonly unchecked?: UncheckedCalls;
}

/** Ties the attempt's unclaimed rows to it and returns them, oldest first. */
function claim(db: Database, w: AttemptWindow): ServiceRequestRow[] {
  const set = 'UPDATE service_requests SET run_id = ?, prompt_index = ?, prompt_attempt = ?, attribution = ?';
  db.prepare(`${set} WHERE run_id IS NULL AND substr(request_id, 1, ?) = ?`).run(
    w.runId,
    w.promptIndex,
    w.promptAttempt,
    'request_id',
    w.prefix.length,
    w.prefix,
  );
  db.prepare(`${set} WHERE run_id IS NULL AND received_at BETWEEN ? AND ?`).run(
    w.runId,
    w.promptIndex,
    w.promptAttempt,
    'inferred_time',
    w.from,
    w.to,
  );
  return db
    .prepare('SELECT * FROM service_requests WHERE run_id = ? AND prompt_index = ? AND prompt_attempt = ? ORDER BY id')
    .all(w.runId, w.promptIndex, w.promptAttempt) as ServiceRequestRow[];
}

/**
 * How long the lab waits, once an attempt has ended, for its model requests still open at the model
 * server, ms. The usual one is not open at all: the agent has read the whole answer, and the server's
 * record of its end lands a few ms later. A request still open after the wait is one nobody waits for
 * any more (the agent gave up on it, or the lab stopped waiting for the attempt), recorded `abandoned`:
 * the attempt's record says what the attempt saw, and is never left `pending`.
 */
export const OPEN_MODEL_REQUEST_WAIT_MS = 1000;
const POLL_MS = 20;

/** The model rows, read again until none is open (status NULL) or {@link OPEN_MODEL_REQUEST_WAIT_MS} passed. */
async function settledModelRows(db: Database, rows: ServiceRequestRow[]): Promise<ServiceRequestRow[]> {
  const reread = db.prepare('SELECT * FROM service_requests WHERE id = ?');
  const deadline = Date.now() + OPEN_MODEL_REQUEST_WAIT_MS;
  let current = rows;
  while (current.some((r) => r.status === null) && Date.now() < deadline) {
    await delay(POLL_MS);
    current = current.map((r) => (r.status === null ? ((reread.get(r.id) as ServiceRequestRow | undefined) ?? r) : r));
  }
  return current;
}

/** `model_calls.status` of a request the model server saw: 0 is a connection closed before the answer ended. */
function modelStatus(status: number | null): string {
  if (status === null) return 'abandoned';
  if (status === 0) return 'network';
  return status < 400 ? 'ok' : 'http_error';
}

/** One `model_calls` row per model request of the attempt, with the LLM fault the gateway applied to it. */
function recordModelCalls(db: Database, w: AttemptWindow, rows: readonly ServiceRequestRow[]): void {
  const count = db.prepare('SELECT COUNT(*) AS n FROM model_calls WHERE run_id = ?').get(w.runId) as { n: number };
  const insert = db.prepare(
    `INSERT INTO model_calls (run_id, prompt_index, prompt_attempt, call_index, attempt, request_id, provider, model, status, http_status, error, fault, fault_event_id, started_at, latency_ms)
     VALUES (?, ?, ?, ?, 1, ?, 'agent-under-test', 'seen at the model server', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const endedAt = Date.now();
  rows.forEach((r, i) => {
    // The model server gives a request without X-Request-Id one of its own; a row without one was not recorded by it.
    const requestId = r.request_id ?? `service-request-${r.id}`;
    const fault = llmFaultOfRequest(db, w.runId, requestId);
    const open = r.status === null;
    insert.run(
      w.runId,
      w.promptIndex,
      w.promptAttempt,
      count.n + i + 1,
      requestId,
      modelStatus(r.status),
      r.status || null,
      open
        ? `still open at the model server ${OPEN_MODEL_REQUEST_WAIT_MS} ms after the prompt attempt ended: the agent gave up on it, or the lab stopped waiting for the attempt`
        : null,
      fault?.kind ?? null,
      fault?.id ?? null,
      r.received_at,
      open ? Math.max(0, endedAt - r.received_at) : (r.duration_ms ?? 0),
    );
  });
}

/** Services with a fault event of the run open at some time in [from, to]. */
function faultedServices(db: Database, w: AttemptWindow): Set<string> {
  const rows = db
    .prepare(
      'SELECT DISTINCT service FROM fault_events WHERE run_id = ? AND service IS NOT NULL AND started_at <= ? AND (ended_at IS NULL OR ended_at >= ?)',
    )
    .all(w.runId, w.to, w.from) as { service: string }[];
  return new Set(rows.map((r) => r.service));
}

/**
 * Claims and reads the services' records of one attempt.
 * @param db the lab database
 * @param w the attempt and its window
 * @param surface the run's tools, to read requests back as tool calls
 * @param expectation the prompt's expectation, to say which expected calls cannot be checked
 * @param recording false when the services do not record requests (`SERVICE_REQUESTS`)
 * @returns the tool calls seen, in arrival order, and the expected calls that cannot be checked; resolves
 *   once the attempt's model requests have ended, or after {@link OPEN_MODEL_REQUEST_WAIT_MS}
 */
export async function seenCalls(
  db: Database,
  w: AttemptWindow,
  surface: LabSurface,
  expectation: Expectation | undefined,
  recording: boolean,
): Promise<SeenCalls> {
  const expected = [...new Set((expectation?.tools ?? []).map((e) => e.tool))];
  if (!recording) {
    return {
      calls: [],
      ...(expected.length > 0 && {
        unchecked: { tools: expected, reason: 'the services do not record requests: SERVICE_REQUESTS is off' },
      }),
    };
  }
  let rows: ServiceRequestRow[];
  try {
    rows = claim(db, w);
    recordModelCalls(
      db,
      w,
      await settledModelRows(
        db,
        rows.filter((r) => r.service === 'model'),
      ),
    );
  } catch (err) {
    return {
      calls: [],
      ...(expected.length > 0 && {
        unchecked: { tools: expected, reason: `the services' records cannot be read: ${(err as Error).message}` },
      }),
    };
  }
  const toolRows = rows.filter((r) => r.service !== 'model');
  const nameTool = db.prepare('UPDATE service_requests SET tool = ? WHERE id = ?');
  const calls = toolRows.flatMap((r) => {
    const call = callFromRequest(surface, {
      service: r.service,
      method: r.method,
      path: r.path,
      fields: r.arguments === null ? {} : (JSON.parse(r.arguments) as Record<string, unknown>),
    });
    if (call) nameTool.run(call.tool, r.id);
    return call ? [call] : [];
  });
  const faulted = faultedServices(db, w);
  const open = new Set(toolRows.filter((r) => r.status === null).map((r) => r.service));
  const serviceOf = (tool: string) => surface.tools.find((t) => t.name === tool)?.service ?? '';
  const blind = expected.filter(
    (tool) => !calls.some((c) => c.tool === tool) && (faulted.has(serviceOf(tool)) || open.has(serviceOf(tool))),
  );
  if (blind.length === 0) return { calls };
  // An expected call a fault may have cut before it reached its service: the views count it as touched
  // by that fault (inferred), so the blast radius and root causes do not miss it.
  const unseen = db.prepare(
    'INSERT INTO unseen_calls (run_id, prompt_index, prompt_attempt, tool, service) VALUES (?, ?, ?, ?, ?)',
  );
  for (const tool of blind.filter((t) => faulted.has(serviceOf(t))))
    unseen.run(w.runId, w.promptIndex, w.promptAttempt, tool, serviceOf(tool));
  const why = blind.map(
    (tool) =>
      `${serviceOf(tool)} ${faulted.has(serviceOf(tool)) ? 'had a fault' : 'had a request still open'} while the prompt ran`,
  );
  return { calls, unchecked: { tools: blind, reason: [...new Set(why)].join('; ') } };
}

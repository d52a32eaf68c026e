/**
 * Test support (exported by `@chaos-lab/report/testing`): the record of a run of an agent over HTTP
 * (`AGENT_URL`), written with plain SQL the way a real run writes it: the services' `service_requests`
 * rows (common/src/service-requests.ts) tied to prompt attempts by X-Request-Id or by time, the
 * `model_calls` rows made from the model server's rows (provider `agent-under-test`, with the LLM
 * fault found by request id: agent/src/under-test/service-calls.ts), the expected calls no service saw
 * (`unseen_calls`), the proxy-manager's toxics and a planned LLM fault whose `request_ids` the gateway
 * marked (model/src/gateway/planned.ts). The model server names a request that carried no X-Request-Id
 * `model-<uuid>`. And a run of the lab's own agent whose model call met an LLM fault linked through
 * `model_calls.fault_event_id`.
 *
 * The HTTP run (all times from `startedAt`, ms):
 *
 *   prompt 0 weather    GET /weather 200 by X-Request-Id, under a latency toxic on weather_proxy   correct
 *   prompt 1 calculate  three POST /calculate 503 (c1#1..#3), no fault recorded                     unhandled
 *   prompt 2 translate  reset_peer toxic on translator_proxy the whole prompt: no request arrives,
 *                       translate expected and unseen; the agent answers 500                         failed (agent)
 *   prompt 3 search     GET /search without X-Request-Id, tied by time, the client went away
 *                       (status 0) under a downstream timeout toxic on search_proxy                  failed (agent)
 *   prompt 4 llm        a model request answered 500 under an llm server_error fault (marked by its
 *                       X-Request-Id), one without an id (the server's own) under it, then one ok   failed (agent)
 */
import { openDatabase, writeTransaction, type Database } from '@chaos-lab/common';

/** The fault event ids of {@link insertHttpAgentRun}'s run, by what each stands for. */
export interface HttpAgentRunFaults {
  readonly weatherLatency: number;
  readonly translatorReset: number;
  readonly searchTimeout: number;
  readonly llmServerError: number;
}

function insertRun(db: Database, runId: string, startedAt: number, finishedAt: number, settings: object): void {
  db.prepare(
    `INSERT INTO runs (run_id, started_at, finished_at, status, seed, settings, prompts_total, model) VALUES (?, ?, ?, 'completed', 1, ?, 5, 'offline')`,
  ).run(runId, startedAt, finishedAt, JSON.stringify(settings));
}

function insertFault(
  db: Database,
  f: {
    runId: string;
    kind: string;
    proxy: string;
    service: string;
    type: string;
    stream: string | null;
    attributes: object;
    startedAt: number;
    endedAt: number;
  },
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, ended_at, ended_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        f.runId,
        f.kind,
        f.proxy,
        f.service,
        `${f.type}_${f.service}`,
        f.type,
        f.stream,
        f.kind === 'toxic' ? 1 : null,
        JSON.stringify(f.attributes),
        f.startedAt,
        f.endedAt,
        f.kind === 'toxic' ? 'duration' : 'trigger',
      ).lastInsertRowid,
  );
}

/**
 * Writes the HTTP agent's run described in the file comment.
 * @param db an open lab database (migrated)
 * @returns the fault event ids
 */
export function insertHttpAgentRun(db: Database, options: { runId: string; startedAt: number }): HttpAgentRunFaults {
  const { runId, startedAt: t0 } = options;
  const prefix = (prompt: number) => `${runId}/p${prompt}/a1/`;
  return writeTransaction(db, () => {
    insertRun(db, runId, t0, t0 + 7600, { AGENT_URL: 'http://127.0.0.1:7000', SERVICE_REQUESTS: 'auto' });
    const prompt = db.prepare(
      `INSERT INTO prompt_results (run_id, prompt_index, prompt_id, prompt, status, attempts, answer, expectation, verdict, error_type, error,
                                   started_at, finished_at, duration_ms)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const p = (i: number, id: string, status: string, from: number, to: number, tool: string, errorType?: string) =>
      prompt.run(
        runId,
        i,
        id,
        `prompt ${id}`,
        status,
        errorType ? null : `an answer about ${id}`,
        JSON.stringify({ tools: [tool] }),
        `verdict: ${status}`,
        errorType ?? null,
        errorType ? 'the agent answered HTTP 500' : null,
        t0 + from,
        t0 + to,
        to - from,
      );
    p(0, 'weather', 'correct', 100, 1100, 'get_weather');
    p(1, 'calculate', 'unhandled', 1200, 2200, 'calculate');
    p(2, 'translate', 'failed', 2300, 4300, 'translate', 'agent');
    p(3, 'search', 'failed', 4500, 6000, 'web_search', 'agent');
    p(4, 'llm', 'failed', 6200, 7500, 'get_weather', 'agent');

    const weatherLatency = insertFault(db, {
      runId,
      kind: 'toxic',
      proxy: 'weather_proxy',
      service: 'weather',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 200, jitter: 0 },
      startedAt: t0 + 300,
      endedAt: t0 + 800,
    });
    const translatorReset = insertFault(db, {
      runId,
      kind: 'toxic',
      proxy: 'translator_proxy',
      service: 'translator',
      type: 'reset_peer',
      stream: 'upstream',
      attributes: { timeout: 0 },
      startedAt: t0 + 2200,
      endedAt: t0 + 4400,
    });
    const searchTimeout = insertFault(db, {
      runId,
      kind: 'toxic',
      proxy: 'search_proxy',
      service: 'search',
      type: 'timeout',
      stream: 'downstream',
      attributes: { timeout: 3000 },
      startedAt: t0 + 4400,
      endedAt: t0 + 6100,
    });
    // The gateway marks each request it serves under the open llm event (attributes.request_ids).
    const llmServerError = insertFault(db, {
      runId,
      kind: 'llm',
      proxy: 'model_proxy',
      service: 'model',
      type: 'server_error',
      stream: null,
      attributes: { status: 500, request_ids: [`${prefix(4)}m1#1`, 'model-5'] },
      startedAt: t0 + 6150,
      endedAt: t0 + 6400,
    });

    // The services' rows, as the recorder writes them and the lab ties them after each attempt.
    const request = db.prepare(
      `INSERT INTO service_requests (service, method, path, request_id, arguments, status, received_at, duration_ms,
                                     run_id, prompt_index, prompt_attempt, attribution)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
    );
    const seen = (
      service: string,
      method: string,
      path: string,
      id: string | null,
      args: object | null,
      status: number,
      at: number,
      ms: number,
      promptIndex: number,
    ) =>
      request.run(
        service,
        method,
        path,
        id,
        args === null ? null : JSON.stringify(args),
        status,
        t0 + at,
        ms,
        runId,
        promptIndex,
        id?.startsWith(prefix(promptIndex)) ? 'request_id' : 'inferred_time',
      );
    seen('model', 'POST', '/v1/chat/completions', 'model-1', null, 200, 150, 100, 0);
    seen('weather', 'GET', '/weather', `${prefix(0)}c1#1`, { city: 'New York' }, 200, 400, 250, 0);
    seen('model', 'POST', '/v1/chat/completions', 'model-2', null, 200, 700, 100, 0);
    seen('model', 'POST', '/v1/chat/completions', 'model-3', null, 200, 1250, 100, 1);
    for (const n of [1, 2, 3])
      seen(
        'calculator',
        'POST',
        '/calculate',
        `${prefix(1)}c1#${n}`,
        { expression: '15*23+47' },
        503,
        1300 + n * 100,
        5,
        1,
      );
    seen('model', 'POST', '/v1/chat/completions', 'model-4', null, 200, 2350, 100, 2);
    seen('search', 'GET', '/search', null, { query: 'chaos' }, 0, 4700, 1000, 3);
    seen('model', 'POST', '/v1/chat/completions', `${prefix(4)}m1#1`, null, 500, 6250, 20, 4);
    seen('model', 'POST', '/v1/chat/completions', 'model-5', null, 500, 6300, 20, 4);
    seen('model', 'POST', '/v1/chat/completions', 'model-6', null, 200, 6500, 100, 4);

    // model_calls rows made from the model server's rows (agent/src/under-test/service-calls.ts).
    const modelRows = db
      .prepare(`SELECT * FROM service_requests WHERE service = 'model' AND run_id = ? ORDER BY id`)
      .all(runId) as {
      id: number;
      request_id: string;
      status: number;
      received_at: number;
      duration_ms: number;
      prompt_index: number;
    }[];
    // The LLM fault of each request, found by its id among those the gateway marked.
    const faultOf = db.prepare(
      `SELECT f.id, f.type FROM fault_events f WHERE f.kind = 'llm' AND f.run_id = ?
         AND EXISTS (SELECT 1 FROM json_each(f.attributes, '$.request_ids') WHERE value = ?) ORDER BY f.id DESC LIMIT 1`,
    );
    const modelCall = db.prepare(
      `INSERT INTO model_calls (run_id, prompt_index, prompt_attempt, call_index, attempt, request_id, provider, model, status, http_status,
                                fault, fault_event_id, started_at, latency_ms)
       VALUES (?, ?, 1, ?, 1, ?, 'agent-under-test', 'seen at the model server', ?, ?, ?, ?, ?, ?)`,
    );
    for (const [i, r] of modelRows.entries()) {
      const fault = faultOf.get(runId, r.request_id) as { id: number; type: string } | undefined;
      modelCall.run(
        runId,
        r.prompt_index,
        i + 1,
        r.request_id,
        r.status < 400 ? 'ok' : 'http_error',
        r.status,
        fault?.type ?? null,
        fault?.id ?? null,
        r.received_at,
        r.duration_ms,
      );
    }
    // translate was expected in prompt 2, and no translator request arrived while its proxy had a fault.
    db.prepare(
      `INSERT INTO unseen_calls (run_id, prompt_index, prompt_attempt, tool, service) VALUES (?, 2, 1, 'translate', 'translator')`,
    ).run(runId);
    return { weatherLatency, translatorReset, searchTimeout, llmServerError };
  });
}

/**
 * Writes a one-prompt run of the lab's own agent: a tool call answered, then a model call answered
 * 429 under an llm `rate_limit` fault (model_calls.fault_event_id set by the agent's model client); the
 * prompt failed with error type `model`.
 * @returns the llm fault event's id
 */
export function insertOwnAgentLlmRun(db: Database, options: { runId: string; startedAt: number }): number {
  const { runId, startedAt: t0 } = options;
  return writeTransaction(db, () => {
    insertRun(db, runId, t0, t0 + 2000, { LLM_PROVIDER: 'offline' });
    db.prepare(
      `INSERT INTO prompt_results (run_id, prompt_index, prompt_id, prompt, status, attempts, error_type, error, started_at, finished_at, duration_ms)
       VALUES (?, 0, 'p0', 'prompt p0', 'failed', 1, 'model', 'HTTP 429 from the model', ?, ?, 1800)`,
    ).run(runId, t0 + 100, t0 + 1900);
    db.prepare(
      `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, attempt_id, tool, service, attempt, via, outcome, http_status,
                               started_at, duration_ms)
       VALUES (?, 0, 1, 'own-c1', 'own-c1#1', 'get_weather', 'weather', 1, 'proxy', 'ok', 200, ?, 30)`,
    ).run(runId, t0 + 300);
    const fault = insertFault(db, {
      runId,
      kind: 'llm',
      proxy: 'model_proxy',
      service: 'model',
      type: 'rate_limit',
      stream: null,
      attributes: { status: 429, request_ids: ['own-m2#1'] },
      startedAt: t0 + 500,
      endedAt: t0 + 900,
    });
    const modelCall = db.prepare(
      `INSERT INTO model_calls (run_id, prompt_index, prompt_attempt, call_index, attempt, request_id, provider, model, status, http_status,
                                fault, fault_event_id, started_at, latency_ms)
       VALUES (?, 0, 1, ?, 1, ?, 'offline', 'offline', ?, ?, ?, ?, ?, ?)`,
    );
    modelCall.run(runId, 1, 'own-m1#1', 'ok', 200, null, null, t0 + 150, 100);
    modelCall.run(runId, 2, 'own-m2#1', 'http_error', 429, 'rate_limit', fault, t0 + 600, 10);
    return fault;
  });
}

/** A database file at `dbPath` holding {@link insertHttpAgentRun} (`http-run`) and {@link insertOwnAgentLlmRun} (`own-run`). */
export function writeHttpAgentRuns(dbPath: string, t0: number): { http: HttpAgentRunFaults; ownLlm: number } {
  const db = openDatabase(dbPath);
  try {
    return {
      http: insertHttpAgentRun(db, { runId: 'http-run', startedAt: t0 }),
      ownLlm: insertOwnAgentLlmRun(db, { runId: 'own-run', startedAt: t0 + 60_000 }),
    };
  } finally {
    db.close();
  }
}

/**
 * The model_calls rows of an agent under test (agent/src/under-test/service-calls.ts), from the model
 * server's `service_requests` rows in a real SQLite file: each names the LLM fault the gateway applied
 * to it (found by its id in the event's `request_ids`), and none is left `pending`: a request that ends
 * just after the attempt is waited for, one still open after the wait is `abandoned`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, loadLabFile, migrate, openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { OPEN_MODEL_REQUEST_WAIT_MS, seenCalls } from '../src/under-test/service-calls.js';
import { labSurface } from '../src/under-test/surface.js';

const surface = labSurface(loadLabFile(join(PROJECT_ROOT, 'lab.yaml')), (service) => ({
  proxy: { host: '127.0.0.1', port: service.proxyPort },
  direct: { host: '127.0.0.1', port: service.toolPort },
}));

interface ModelCallRow {
  request_id: string;
  status: string;
  http_status: number | null;
  fault: string | null;
  fault_event_id: number | null;
  error: string | null;
}

describe('model_calls of an agent under test', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database;
  before(() => {
    tmp = makeTempDir('under-test-model-calls-');
    db = openDatabase(join(tmp.path, 'lab.db'));
    migrate(db);
  });
  after(() => {
    db.close();
    tmp.cleanup();
  });
  const modelRequest = (requestId: string, status: number | null, at: number) =>
    Number(
      db
        .prepare(
          "INSERT INTO service_requests (service, method, path, request_id, status, received_at, duration_ms) VALUES ('model', 'POST', '/v1/chat/completions', ?, ?, ?, ?)",
        )
        .run(requestId, status, at, status === null ? null : 40).lastInsertRowid,
    );

  it('name the fault event and kind the gateway applied, and none stays pending', async () => {
    const event = Number(
      db
        .prepare(
          `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, attributes, started_at, ended_at, fault, trigger)
           VALUES ('r1', 'llm', 'model_proxy', 'model', 'plan_llm_fault_call_1_model', 'rate_limit', ?, 1000, 1050, 'llm_fault_call_1', '{"kind":"call"}')`,
        )
        .run(JSON.stringify({ retry_after_s: 1, request_ids: ['r1/p0/a1/m1#1'] })).lastInsertRowid,
    );
    // Another run's event with the same id must not be taken.
    db.prepare(
      `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, attributes, started_at)
       VALUES ('r0', 'llm', 'model_proxy', 'model', 'x', 'server_error', '{"request_ids":["r1/p0/a1/m2#1"]}', 900)`,
    ).run();
    modelRequest('r1/p0/a1/m1#1', 429, 1000);
    modelRequest('r1/p0/a1/m1#2', 200, 1100);
    modelRequest('r1/p0/a1/m2#1', 200, 1200);
    // Its end is recorded just after the attempt ended (the agent has its answer first).
    const late = modelRequest('r1/p0/a1/m3#1', null, 1300);
    setTimeout(
      () => db.prepare('UPDATE service_requests SET status = 200, duration_ms = 60 WHERE id = ?').run(late),
      100,
    );
    // Never ends while the lab waits: the agent gave up on it.
    modelRequest('r1/p0/a1/m4#1', null, 1400);

    const started = Date.now();
    await seenCalls(
      db,
      { runId: 'r1', promptIndex: 0, promptAttempt: 1, prefix: 'r1/p0/a1/', from: 990, to: 1500 },
      surface,
      undefined,
      true,
    );
    const waited = Date.now() - started;
    assert.ok(waited >= OPEN_MODEL_REQUEST_WAIT_MS && waited < OPEN_MODEL_REQUEST_WAIT_MS + 3000, `${waited} ms`);

    const rows = db
      .prepare(
        "SELECT request_id, status, http_status, fault, fault_event_id, error FROM model_calls WHERE run_id = 'r1' ORDER BY id",
      )
      .all() as ModelCallRow[];
    assert.deepEqual(
      rows.map((r) => [r.request_id, r.status, r.http_status, r.fault, r.fault_event_id]),
      [
        ['r1/p0/a1/m1#1', 'http_error', 429, 'rate_limit', event],
        ['r1/p0/a1/m1#2', 'ok', 200, null, null],
        ['r1/p0/a1/m2#1', 'ok', 200, null, null],
        ['r1/p0/a1/m3#1', 'ok', 200, null, null],
        ['r1/p0/a1/m4#1', 'abandoned', null, null, null],
      ],
    );
    assert.match(rows[4]!.error ?? '', /still open at the model server .* after the prompt attempt ended/);
    assert.equal(rows.filter((r) => r.status === 'pending').length, 0);
  });

  it('an attempt whose model requests have all ended does not wait', async () => {
    modelRequest('r1/p1/a1/m1#1', 200, 2000);
    const started = Date.now();
    await seenCalls(
      db,
      { runId: 'r1', promptIndex: 1, promptAttempt: 1, prefix: 'r1/p1/a1/', from: 1990, to: 2100 },
      surface,
      undefined,
      true,
    );
    assert.ok(Date.now() - started < OPEN_MODEL_REQUEST_WAIT_MS, 'no wait');
  });
});

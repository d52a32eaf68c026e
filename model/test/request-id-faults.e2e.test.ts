/**
 * The gateway and the proxy-manager's real fault schedule (`startScheduleServer`, real SQLite in a
 * temporary folder): a model request that carries only the contract's `X-Request-Id`
 * (`<run>/p<i>/a<n>/…`, docs/your-agent.md) is announced under that prompt, so a planned `call` trigger
 * fires on it; a request with no `X-Request-Id` at all is announced under the run's prompt in flight
 * (a `random` LLM fault reaches it), and with no prompt in flight still meets the fault open for the
 * current run. Everything is read from the record: fault_events, call_announcements, service_requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrate, openDatabase, writeFaultPlan, type Database } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startScheduleServer, type ScheduleServer } from '@chaos-lab/proxy-manager';
import { startModelServer, type RunningModelServer } from '../src/index.js';
import { complete } from './support/model-server.js';

const tmp = makeTempDir('model-request-id-');
let db: Database;
let schedule: ScheduleServer;
let model: RunningModelServer;

/** A run started now, with its control row (`phase`, the prompt in flight). */
function startRun(runId: string, phase: 'active' | 'idle', currentPrompt: number | null): void {
  const now = Date.now();
  db.prepare('INSERT INTO runs (run_id, started_at, seed) VALUES (?, ?, 7)').run(runId, now);
  db.prepare(
    'INSERT INTO control (run_id, phase, current_prompt, heartbeat_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  ).run(runId, phase, currentPrompt, now, now);
}

const llmEvents = (runId: string) =>
  (
    db
      .prepare("SELECT id, type, trigger, attributes FROM fault_events WHERE run_id = ? AND kind = 'llm' ORDER BY id")
      .all(runId) as { id: number; type: string; trigger: string; attributes: string }[]
  ).map((e) => ({
    id: e.id,
    type: e.type,
    trigger: JSON.parse(e.trigger) as Record<string, unknown>,
    requestIds: (JSON.parse(e.attributes) as { request_ids?: string[] }).request_ids,
  }));

const announcements = (runId: string) =>
  db
    .prepare('SELECT prompt_index, call_id, attempt FROM call_announcements WHERE run_id = ? ORDER BY id')
    .all(runId) as { prompt_index: number; call_id: string; attempt: number }[];

/** Sends one completion request; returns its status and fault header (the body read whole). */
async function send(headers: Record<string, string>): Promise<{ status: number; fault: string | null }> {
  const res = await complete(model, {}, headers);
  await res.text();
  return { status: res.status, fault: res.headers.get('x-chaos-fault') };
}

before(async () => {
  const settings = testSettings(tmp.path, { SERVICE_REQUESTS: 'on' });
  db = openDatabase(settings.LAB_DB_PATH);
  migrate(db);
  schedule = await startScheduleServer(settings);
  model = await startModelServer(testSettings(tmp.path, { SERVICE_REQUESTS: 'on', PROXY_MANAGER_URL: schedule.url }), {
    port: 0,
    host: '127.0.0.1',
  });
});
after(async () => {
  await model.close();
  await schedule.close();
  db.close();
  tmp.cleanup();
});

describe("the contract's X-Request-Id reaches the fault schedule", () => {
  it('a prefixed X-Request-Id alone: announced under its prompt, the planned call-trigger fault fires on the 2nd call', async () => {
    startRun('run-a', 'active', 0);
    writeFaultPlan(db, 'run-a', {
      faults: [
        {
          kind: 'llm',
          name: 'second-call',
          type: 'rate_limit',
          retryAfterS: 2,
          targets: ['model'],
          trigger: { kind: 'call', tool: 'model', n: 2, attempts: 1 },
        },
      ],
    });
    assert.deepEqual(await send({ 'X-Request-Id': 'run-a/p3/a1/m1#1' }), { status: 200, fault: null });
    assert.deepEqual(await send({ 'X-Request-Id': 'run-a/p3/a1/m2#1' }), { status: 429, fault: 'rate_limit' });
    assert.deepEqual(await send({ 'X-Request-Id': 'run-a/p3/a1/m2#2' }), { status: 200, fault: null });

    // Announced under the prompt the prefix names (3), not the one in flight (0); a call and its retry.
    assert.deepEqual(announcements('run-a'), [
      { prompt_index: 3, call_id: 'run-a/p3/a1/m1', attempt: 1 },
      { prompt_index: 3, call_id: 'run-a/p3/a1/m2', attempt: 1 },
      { prompt_index: 3, call_id: 'run-a/p3/a1/m2', attempt: 2 },
    ]);
    const events = llmEvents('run-a');
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0]!.type, 'rate_limit');
    assert.deepEqual(events[0]!.trigger, { kind: 'call', tool: 'model', n: 2, call_id: 'run-a/p3/a1/m2' });
    assert.deepEqual(events[0]!.requestIds, ['run-a/p3/a1/m2#1']);
  });

  it('no X-Request-Id, a prompt in flight: the gateway names the request, a random LLM fault reaches it', async () => {
    startRun('run-b', 'active', 1);
    writeFaultPlan(db, 'run-b', {
      faults: [
        {
          kind: 'llm',
          name: 'always',
          type: 'server_error',
          targets: ['model'],
          trigger: { kind: 'random', tool: 'model', probability: 1 },
        },
      ],
    });
    assert.deepEqual(await send({}), { status: 500, fault: 'server_error' });
    const [announced] = announcements('run-b');
    assert.equal(announced?.prompt_index, 1);
    assert.match(announced!.call_id, /^model-[0-9a-f-]{36}$/);
    // One id for the request everywhere: its service_requests row, the event's request_ids.
    const seen = db
      .prepare("SELECT request_id FROM service_requests WHERE service = 'model' ORDER BY id DESC LIMIT 1")
      .get() as { request_id: string };
    assert.equal(seen.request_id, announced!.call_id);
    assert.deepEqual(llmEvents('run-b')[0]!.requestIds, [seen.request_id]);
  });

  it('no X-Request-Id, no prompt in flight: not announced, still meets the fault open for the current run', async () => {
    startRun('run-c', 'idle', null);
    // As a time-triggered fault (window, random per tick) is left open by the schedule's chaos tick.
    const eventId = Number(
      db
        .prepare(
          `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, attributes, started_at, fault, trigger)
           VALUES ('run-c', 'llm', 'model_proxy', 'model', 'plan_window_model', 'unavailable', '{}', ?, 'window', '{"kind":"window"}')`,
        )
        .run(Date.now()).lastInsertRowid,
    );
    assert.deepEqual(await send({}), { status: 503, fault: 'unavailable' });
    assert.deepEqual(announcements('run-c'), []);
    assert.equal(llmEvents('run-c').find((e) => e.id === eventId)?.requestIds?.length, 1);
  });
});

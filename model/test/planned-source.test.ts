/**
 * The gateway's planned fault source (gateway/planned.ts) against a stand-in of the proxy-manager's
 * `POST /calls` (a real HTTP server on port 0 that records the announcements and opens the planned
 * event as the schedule would) and a real SQLite file: what is announced, which event is applied with
 * its attributes, the request id it is marked with, and what happens without a manager.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { listenOn, migrate, openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { callOfRequest, startModelServer, type RunningModelServer } from '../src/index.js';
import { complete } from './support/model-server.js';

const tmp = makeTempDir('model-planned-');
let db: Database;
let model: RunningModelServer;
const announced: Record<string, unknown>[] = [];
/** What the stand-in manager does when a request is announced (opens an event, or nothing). */
let onAnnounce: (a: Record<string, unknown>) => void = () => undefined;
const manager = createServer(async (req: IncomingMessage, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const a = JSON.parse(body) as Record<string, unknown>;
  announced.push(a);
  onAnnounce(a);
  res.setHeader('content-type', 'application/json').end('{"faults":[]}');
});

function openEvent(runId: string, type: string, attributes: Record<string, unknown>): number {
  return Number(
    db
      .prepare(
        `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, attributes, started_at, fault, trigger) VALUES (?, 'llm', 'model_proxy', 'model', ?, ?, ?, ?, 'f', '{}')`,
      )
      .run(runId, `plan_f_model`, type, JSON.stringify(attributes), Date.now()).lastInsertRowid,
  );
}

before(async () => {
  const managerPort = await listenOn(manager, 0, '127.0.0.1', 'stand-in manager');
  const settings = testSettings(tmp.path, { PROXY_MANAGER_URL: `http://127.0.0.1:${managerPort}` });
  db = openDatabase(settings.LAB_DB_PATH);
  migrate(db);
  model = await startModelServer(settings, { port: 0, host: '127.0.0.1' });
});
after(async () => {
  await model.close();
  manager.close();
  db.close();
  tmp.cleanup();
});

describe('planned LLM faults in the gateway', () => {
  it('announces the request as a model call (call id and attempt from X-Request-Id), then applies the open event with its attributes', async () => {
    let eventId = 0;
    onAnnounce = (a) => {
      if (a.attempt === 2) eventId = openEvent('run-a', 'rate_limit', { status: 503, retry_after_s: 4 });
    };
    const first = await complete(
      model,
      {},
      { 'X-Chaos-Run': 'run-a', 'X-Chaos-Prompt': '2', 'X-Request-Id': 'model-1#1' },
    );
    assert.equal(first.status, 200, 'no event open yet');
    await first.text();
    const second = await complete(
      model,
      {},
      { 'X-Chaos-Run': 'run-a', 'X-Chaos-Prompt': '2', 'X-Request-Id': 'model-1#2' },
    );
    assert.equal(second.status, 503);
    assert.equal(second.headers.get('retry-after'), '4');
    assert.equal(second.headers.get('x-chaos-fault'), 'rate_limit');
    await second.text();
    assert.deepEqual(announced.slice(-2), [
      { runId: 'run-a', promptIndex: 2, tool: 'model', callId: 'model-1', attempt: 1 },
      { runId: 'run-a', promptIndex: 2, tool: 'model', callId: 'model-1', attempt: 2 },
    ]);
    const row = db.prepare('SELECT attributes FROM fault_events WHERE id = ?').get(eventId) as { attributes: string };
    assert.deepEqual(
      JSON.parse(row.attributes).request_ids,
      ['model-1#2'],
      'marked with the request it was applied to',
    );
  });

  it("another run's open event is not applied; a closed one neither", async () => {
    onAnnounce = () => undefined;
    const other = openEvent('run-other', 'server_error', {});
    const closed = openEvent('run-b', 'server_error', {});
    db.prepare('UPDATE fault_events SET ended_at = ? WHERE id = ?').run(Date.now(), closed);
    const res = await complete(
      model,
      {},
      { 'X-Chaos-Run': 'run-b', 'X-Chaos-Prompt': '0', 'X-Request-Id': 'model-2#1' },
    );
    assert.equal(res.status, 200);
    await res.text();
    assert.ok(other > 0);
  });

  it('a client that names no run or prompt, with no run in flight, is not announced', async () => {
    const before = announced.length;
    const res = await complete(model, {});
    await res.text();
    assert.equal(announced.length, before);
  });

  it('callOfRequest: <call>#<n>, else the id as a call of one attempt', () => {
    assert.deepEqual(callOfRequest('model-ab12#3'), { callId: 'model-ab12', attempt: 3 });
    assert.deepEqual(callOfRequest('0f9e-uuid'), { callId: '0f9e-uuid', attempt: 1 });
    assert.deepEqual(callOfRequest('x#0'), { callId: 'x#0', attempt: 1 });
  });
});

describe('planned LLM faults without a manager', () => {
  it('a manager that refuses the connection: the request goes ahead (logged once)', async () => {
    const dir = makeTempDir('model-nomanager-');
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    const port = await listenOn(probe, 0, '127.0.0.1', 'probe');
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const server = await startModelServer(testSettings(dir.path, { PROXY_MANAGER_URL: `http://127.0.0.1:${port}` }), {
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const res = await complete(server, {}, { 'X-Chaos-Run': 'r', 'X-Chaos-Prompt': '0' });
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await server.close();
      dir.cleanup();
    }
  });
});

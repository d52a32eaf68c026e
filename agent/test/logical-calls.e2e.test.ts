import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Database, openDatabase } from '@chaos-lab/common';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { RunRecords } from '../src/records/records.js';
import {
  type PromptAttemptContext,
  RESULT_DIGEST_CHARS,
  createTools,
  toolCallPolicy,
} from '../src/tool-calls/tools.js';
import { type TestLab, runningService, startTestLab } from './support/lab.js';
import { type StubServer, startStub } from './support/stub-server.js';

type LogicalRow = {
  call_id: string;
  prompt_index: number;
  prompt_attempt: number;
  tool: string;
  service: string;
  arguments: string;
  status: string;
  attempts: number;
  http_status: number | null;
  result_digest: string | null;
  result_sha256: string | null;
  started_at: number;
  finished_at: number;
};
type AttemptRow = {
  call_id: string;
  attempt_id: string;
  attempt: number;
  via: string;
  outcome: string;
  simulated: number;
  wait_ms: number;
};

describe('tools record each logical call beside its attempts', () => {
  let lab: TestLab;
  let db: Database;
  let records: RunRecords;
  let failing: StubServer;
  let tools: Map<string, StructuredToolInterface>;
  before(async () => {
    lab = await startTestLab(
      { TOOL_LIMIT: '2', FALLBACK: 'off', PROXY_TIMEOUT_MS: '1000', TOOL_BACKOFF_BASE_MS: '20' },
      {},
      ['weather', 'calendar'],
    );
    failing = await startStub([
      {
        status: 503,
        body: { error: 'simulated server error', simulated: true },
        headers: { 'X-Chaos-Fault': 'simulated' },
      },
    ]);
    db = openDatabase(lab.settings.LAB_DB_PATH);
    records = new RunRecords(db, 'calls-1', Date.now);
    records.start({ seed: 1, settings: {}, promptsTotal: 1, model: 'test' });
    const list = createTools({
      runId: 'calls-1',
      // Weather straight to its service; the calendar behind a stub that fails every request; the
      // movie service cannot be resolved (a fault of the agent's own).
      endpoints: (service) => {
        if (service.name === 'movie') throw new Error('no endpoint for movie');
        const direct = { host: '127.0.0.1', port: runningService(lab, service.name).port };
        return service.name === 'calendar'
          ? { proxy: failing.endpoint, direct: failing.endpoint }
          : { proxy: direct, direct };
      },
      policy: toolCallPolicy(lab.settings),
      now: Date.now,
      record: (row) => records.addToolCall(row),
      recordCall: (row) => records.addLogicalCall(row),
    });
    tools = new Map(list.map((t) => [t.name, t]));
  });
  after(async () => {
    db?.close();
    await failing?.close();
    await lab?.close();
  });

  const context = (): PromptAttemptContext => ({
    promptIndex: 0,
    promptAttempt: 1,
    signal: new AbortController().signal,
    failures: [],
  });
  const invoke = (name: string, args: Record<string, unknown>, id: string) =>
    tools.get(name)!.invoke({ id, name, args, type: 'tool_call' }, { context: context(), toolCallId: id } as never);
  const logical = () =>
    lab.rows<LogicalRow>('SELECT * FROM logical_calls WHERE run_id = ? ORDER BY started_at, call_id', 'calls-1');
  const attempts = (callId: string) =>
    lab.rows<AttemptRow>('SELECT * FROM tool_calls WHERE call_id = ? ORDER BY attempt', callId);

  it('a result: validated arguments, status, attempts, HTTP status, digest and SHA-256 of the answer', async () => {
    await invoke('get_weather', { city: 'Tokyo' }, 'tc-1');
    const [row] = logical();
    assert.ok(row);
    assert.deepEqual(
      [row.tool, row.service, row.status, row.attempts, row.http_status, row.prompt_index, row.prompt_attempt],
      ['get_weather', 'weather', 'result', 1, 200, 0, 1],
    );
    assert.deepEqual(JSON.parse(row.arguments), { city: 'Tokyo' });
    assert.match(row.result_digest!, /^\{.*Tokyo/);
    assert.ok(row.result_digest!.length <= RESULT_DIGEST_CHARS);
    assert.match(row.result_sha256!, /^[0-9a-f]{64}$/);
    assert.ok(row.finished_at >= row.started_at);
    const [attempt] = attempts(row.call_id);
    assert.deepEqual(
      [attempt!.attempt_id, attempt!.outcome, attempt!.simulated, attempt!.wait_ms],
      [`${row.call_id}#1`, 'ok', 0, 0],
    );
    // The service's access log line carries the attempt's id.
    const line = lab.logLines('info').find((l) => (l.req as { id?: string } | undefined)?.id === `${row.call_id}#1`);
    assert.ok(line, 'the weather service logged the attempt id');
  });

  it('no result: every attempt a simulated 503, recorded as simulated, with the last body digested', async () => {
    await invoke('add_event', { title: 'Lunch', date: '2030-01-02', time: '12:30' }, 'tc-2');
    const row = logical().find((r) => r.tool === 'add_event')!;
    assert.deepEqual([row.status, row.attempts, row.http_status], ['no_result', 2, 503]);
    assert.deepEqual(JSON.parse(row.arguments), { title: 'Lunch', date: '2030-01-02', time: '12:30' });
    const body = JSON.stringify({ error: 'simulated server error', simulated: true });
    assert.equal(row.result_digest, body);
    assert.equal(row.result_sha256, createHash('sha256').update(body).digest('hex'));
    const rows = attempts(row.call_id);
    assert.deepEqual(
      rows.map((r) => [r.attempt_id, r.outcome, r.simulated]),
      [
        [`${row.call_id}#1`, 'http_error', 1],
        [`${row.call_id}#2`, 'http_error', 1],
      ],
    );
    assert.ok(
      rows[1]!.wait_ms >= 0 && rows[1]!.wait_ms < 20,
      `backoff ${rows[1]!.wait_ms} ms below TOOL_BACKOFF_BASE_MS`,
    );
  });

  it('refused: a 4xx answer', async () => {
    await invoke('get_weather', { city: 'Atlantis' }, 'tc-3');
    const row = logical().find((r) => JSON.parse(r.arguments).city === 'Atlantis')!;
    assert.deepEqual([row.status, row.attempts, row.http_status], ['refused', 1, 404]);
    assert.match(row.result_digest!, /Atlantis/);
  });

  it("agent_error: the agent's own code failed before any attempt", async () => {
    await invoke('search_movie', { query: 'Alien' }, 'tc-4');
    const row = logical().find((r) => r.tool === 'search_movie')!;
    assert.deepEqual([row.status, row.attempts, row.http_status, row.result_digest], ['agent_error', 0, null, null]);
    assert.deepEqual(JSON.parse(row.arguments), { query: 'Alien' });
    assert.equal(attempts(row.call_id).length, 0);
  });
});

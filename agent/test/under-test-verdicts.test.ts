import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Database, loadLabFile, openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { parsePrompts } from '../src/prompts/prompts-file.js';
import { seenCalls } from '../src/under-test/service-calls.js';
import { labSurface } from '../src/under-test/surface.js';
import { judgeWithLimits } from '../src/under-test/verdict-limits.js';

const surface = labSurface(loadLabFile(join(PROJECT_ROOT, 'lab.yaml')), (service) => ({
  proxy: { host: '127.0.0.1', port: service.proxyPort },
  direct: { host: '127.0.0.1', port: service.toolPort },
}));
const [weather, translate] = parsePrompts(
  JSON.stringify([
    {
      prompt: 'weather in Paris?',
      expect: { tools: [{ tool: 'get_weather', args: { city: 'Paris' } }], contains: ['Paris'] },
    },
    {
      prompt: "translate 'hello' to Spanish",
      expect: { tools: [{ tool: 'translate', args: { target_language: 'es' } }], contains: ['Hola'] },
    },
  ]),
  'inline',
);

/**
 * Verdicts on an agent over HTTP from the services' records: requests read back as tool calls, claimed
 * by request id or by time, and expected calls the lab cannot see left unchecked, never correct.
 */
describe("verdicts from the services' records", () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let db: Database;
  before(() => {
    tmp = makeTempDir('under-test-verdicts-');
    db = openDatabase(join(tmp.path, 'lab.db'));
  });
  after(() => {
    db.close();
    tmp.cleanup();
  });
  const request = (
    service: string,
    method: string,
    path: string,
    args: object,
    at: number,
    requestId: string | null,
    status: number | null = 200,
  ) =>
    db
      .prepare(
        'INSERT INTO service_requests (service, method, path, request_id, arguments, status, received_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 5)',
      )
      .run(service, method, path, requestId, JSON.stringify(args), status, at);
  const window = (promptIndex: number, from: number, to: number) => ({
    runId: 'r1',
    promptIndex,
    promptAttempt: 1,
    prefix: `r1/p${promptIndex}/a1/`,
    from,
    to,
  });

  it("reads a request back as its tool call, and judges it like the lab agent's", async () => {
    request('weather', 'GET', '/weather', { city: 'Paris' }, 1000, 'r1/p0/a1/c1#1');
    request('model', 'POST', '/v1/chat/completions', {}, 1001, null);
    // Arrived before the window, but carries the prefix: the attempt's for certain.
    request('search', 'GET', '/search', { q: 'paris' }, 900, 'r1/p0/a1/c2#1');
    const seen = await seenCalls(db, window(0, 950, 1100), surface, weather!.expect, true);
    assert.deepEqual(seen.calls, [
      { tool: 'get_weather', args: { city: 'Paris' } },
      { tool: 'search_web', args: { query: 'paris' } },
    ]);
    assert.equal(seen.unchecked, undefined);
    assert.deepEqual(judgeWithLimits(weather!.expect, { answer: 'Paris: 12 °C', calls: seen.calls }, seen.unchecked), {
      status: 'correct',
      verdict: 'every expectation met',
    });
    const rows = db
      .prepare('SELECT service, tool, attribution FROM service_requests WHERE prompt_index = 0 ORDER BY id')
      .all();
    assert.deepEqual(rows, [
      { service: 'weather', tool: 'get_weather', attribution: 'request_id' },
      { service: 'model', tool: null, attribution: 'inferred_time' },
      { service: 'search', tool: 'search_web', attribution: 'request_id' },
    ]);
    assert.deepEqual(db.prepare("SELECT prompt_index, provider, status FROM model_calls WHERE run_id = 'r1'").all(), [
      { prompt_index: 0, provider: 'agent-under-test', status: 'ok' },
    ]);
  });

  it('an expected call missing while its service had a fault is unchecked, never correct', async () => {
    db.prepare(
      "INSERT INTO fault_events (run_id, kind, proxy, service, name, type, started_at, ended_at) VALUES ('r1', 'toxic', 'translator_proxy', 'translator', 'cut', 'reset_peer', 2000, 2500)",
    ).run();
    const seen = await seenCalls(db, window(1, 2100, 2200), surface, translate!.expect, true);
    assert.deepEqual(seen.unchecked, { tools: ['translate'], reason: 'translator had a fault while the prompt ran' });
    // Recorded as a call the fault may have cut, for the blast radius and root causes.
    assert.deepEqual(db.prepare('SELECT prompt_index, prompt_attempt, tool, service FROM unseen_calls').all(), [
      { prompt_index: 1, prompt_attempt: 1, tool: 'translate', service: 'translator' },
    ]);
    assert.deepEqual(judgeWithLimits(translate!.expect, { answer: 'Hola', calls: seen.calls }, seen.unchecked), {
      status: 'unchecked',
      verdict:
        'every other expectation met; not checked: the calls of translate (translator had a fault while the prompt ran)',
    });
    // What can still be checked still counts.
    assert.equal(
      judgeWithLimits(translate!.expect, { answer: 'Bonjour', calls: seen.calls }, seen.unchecked).status,
      'wrong',
    );
  });

  it('a missing call with no fault to explain it is wrong; without records, nothing about calls is checked', async () => {
    const seen = await seenCalls(db, window(2, 3000, 3100), surface, weather!.expect, true);
    assert.equal(
      judgeWithLimits(weather!.expect, { answer: 'Paris: 12 °C', calls: seen.calls }, seen.unchecked).status,
      'wrong',
    );
    const blind = await seenCalls(db, window(2, 3000, 3100), surface, weather!.expect, false);
    assert.equal(
      judgeWithLimits(weather!.expect, { answer: 'Paris: 12 °C', calls: blind.calls }, blind.unchecked).status,
      'unchecked',
    );
  });
});

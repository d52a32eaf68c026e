// The report of an agent over HTTP, from records shaped like a real run's (report/src/testing-http-agent.ts):
// its requests seen at the services fill the per-prompt table, a toxic that cut its calls has a blast
// radius and is the root cause (not `agent`), an LLM fault shows its type, the prompts and model
// requests it touched and the prompt it root-caused; and an LLM fault of the lab's own agent, linked
// through model_calls.fault_event_id.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { analyzeRun } from '../src/read-model/analysis.js';
import { promptStories } from '../src/read-model/prompt-stories.js';
import { loadRunData } from '../src/read-model/run-data.js';
import { summarizeRun } from '../src/read-model/summary.js';
import { promptTableHtml } from '../src/html/prompt-table.js';
import { reportHtml } from '../src/html/report-html.js';
import { type HttpAgentRunFaults, writeHttpAgentRuns } from '../src/testing.js';
import { promptDetail, runView } from '../src/read-model/dashboard-views.js';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const tmp = makeTempDir('chaos-lab-http-agent-report-');
let db: Database;
let faults: { http: HttpAgentRunFaults; ownLlm: number };

before(() => {
  const dbPath = join(tmp.path, 'lab.db');
  faults = writeHttpAgentRuns(dbPath, T0);
  db = openDatabase(dbPath, { readonly: true });
});
after(() => {
  db.close();
  tmp.cleanup();
});

/** The table row of one prompt, as HTML. */
function row(html: string, index: number): string {
  const rows = html.split('<tr data-tools=').slice(1);
  const found = rows.find((r) => r.includes(`<td class="index num">${index}</td>`));
  assert.ok(found, `no row for prompt ${index}`);
  return found;
}

describe('the report of an agent over HTTP', () => {
  it("shows the requests the services saw as the prompts' tool calls, with how each was tied", () => {
    const analysis = analyzeRun(loadRunData(db, 'http-run'));
    const stories = promptStories(analysis);
    assert.deepEqual(
      stories.map((s) => s.calls.map((c) => [c.tool, c.status, c.attempts.length])),
      [
        [['GET /weather', 'result', 1]],
        [['POST /calculate', 'no_result', 3]],
        [],
        [['GET /search', 'no_result', 1]],
        [],
      ],
    );
    assert.deepEqual(stories[0]!.calls[0]!.arguments, { city: 'New York' });
    const html = promptTableHtml(stories);
    const weather = row(html, 0);
    assert.doesNotMatch(weather, /no tool call/);
    assert.match(
      weather,
      /#1 seen at the service <code>ok 200<\/code> 250 ms <span class="fault">answered at the service under a latency toxic on weather_proxy/,
    );
    // A 503 no fault explains: the record cannot tell why, and says so.
    const calculate = row(html, 1);
    assert.match(
      calculate,
      /#3 seen at the service <code>http_error 503<\/code> 5 ms → <span class="cause cause-unknown">cause unknown<\/span>/,
    );
    assert.match(calculate, /<td class="root">cause unknown<\/td>/);
    // The request without X-Request-Id was tied by time, and the toxic that held it is its cause.
    const search = row(html, 3);
    assert.match(
      search,
      /#1 seen at the service, tied by time <code>abandoned<\/code> 1000 ms → <span class="cause cause-toxic">toxic<\/span>/,
    );
    assert.match(search, new RegExp(`toxic #${faults.http.searchTimeout} timeout downstream on search_proxy`));
    assert.match(search, /<td class="root">toxic \(inferred\)<\/td>/);
    const summary = summarizeRun(analysis);
    assert.equal(summary.toolCalls.calls, 3);
    assert.equal(summary.toolCalls.attempts, 5);
    assert.equal(summary.toolCalls.seenAtService, 5);
    assert.equal(summary.toolCalls.tiedByTime, 1);
    assert.deepEqual(summary.toolCalls.failedByCause, {
      simulated_error: 0,
      service_down: 0,
      toxic: 1,
      cancelled: 0,
      client_timeout: 0,
      unknown: 3,
    });
  });

  it('blames the toxic that cut the calls, never the agent, and counts the prompt it touched', () => {
    const data = loadRunData(db, 'http-run');
    const causes = new Map(data.promptCauses.map((c) => [c.promptIndex, c]));
    assert.deepEqual(causes.get(2), {
      promptIndex: 2,
      rootCause: 'toxic',
      rootFaultEventId: faults.http.translatorReset,
      rootInferred: true,
      failedAttempts: 0,
    });
    const summary = summarizeRun(analyzeRun(data));
    const reset = summary.faultEvents.find((f) => f.id === faults.http.translatorReset)!;
    assert.deepEqual(
      [reset.attemptsTouched, reset.promptsTouched, reset.promptsTouchedInferred, reset.promptsRootCaused],
      [0, [2], [2], 1],
    );
    const search = summary.faultEvents.find((f) => f.id === faults.http.searchTimeout)!;
    assert.deepEqual(
      [
        search.attemptsTouched,
        search.attemptsFailed,
        search.attemptsAttributed,
        search.promptsTouched,
        search.promptsRootCaused,
      ],
      [1, 1, 1, [3], 1],
    );
    const latency = summary.faultEvents.find((f) => f.id === faults.http.weatherLatency)!;
    assert.deepEqual([latency.attemptsTouched, latency.promptsTouched, latency.promptsTouchedInferred], [1, [0], []]);
    assert.deepEqual(summary.prompts.byRootCause, { unknown: 1, 'toxic (inferred)': 2, llm: 1 });
  });

  it('gives an LLM fault its type, its model requests, its prompt and the prompt it root-caused', () => {
    const data = loadRunData(db, 'http-run');
    assert.deepEqual(
      data.promptCauses.find((c) => c.promptIndex === 4),
      {
        promptIndex: 4,
        rootCause: 'llm',
        rootFaultEventId: faults.http.llmServerError,
        rootInferred: false,
        failedAttempts: 0,
      },
    );
    const summary = summarizeRun(analyzeRun(data));
    const llm = summary.faultEvents.find((f) => f.id === faults.http.llmServerError)!;
    assert.deepEqual(
      [
        llm.type,
        llm.modelRequestsTouched,
        llm.modelRequestsFailed,
        llm.promptsTouched,
        llm.promptsTouchedInferred,
        llm.promptsRootCaused,
      ],
      ['server_error', 2, 2, [4], [], 1],
    );
    // The model calls section counts them too.
    assert.deepEqual(summary.modelCalls.faults, { server_error: 2 });
    assert.equal(summary.modelCalls.requests, 7);
    const html = reportHtml(summary, [], promptStories(analyzeRun(data)), '');
    assert.match(
      html,
      new RegExp(`<td>#${faults.http.llmServerError}</td><td>llm server_error</td><td>model_proxy</td>`),
    );
    assert.match(html, /<td class="num">2 \(2 failed\)<\/td><td class="num">1<\/td><td>4<\/td>/);
    assert.match(html, new RegExp(`<td>#${faults.http.translatorReset}</td>.*<td>2 \\(inferred\\)</td></tr>`));
  });

  it("links the lab's own agent's LLM fault through model_calls.fault_event_id", () => {
    const data = loadRunData(db, 'own-run');
    assert.deepEqual(data.promptCauses, [
      { promptIndex: 0, rootCause: 'llm', rootFaultEventId: faults.ownLlm, rootInferred: false, failedAttempts: 0 },
    ]);
    const llm = summarizeRun(analyzeRun(data)).faultEvents[0]!;
    assert.deepEqual(
      [
        llm.type,
        llm.attemptsTouched,
        llm.modelRequestsTouched,
        llm.modelRequestsFailed,
        llm.promptsTouched,
        llm.promptsRootCaused,
      ],
      ['rate_limit', 0, 1, 1, [0], 1],
    );
  });

  it('shows the same on the dashboard: root causes marked inferred, attempts tied by time', () => {
    const view = runView(db, 'http-run');
    assert.deepEqual(
      view.prompts.map((p) => [p.rootCause, p.rootInferred, p.tools]),
      [
        [null, false, ['GET /weather']],
        ['unknown', false, ['POST /calculate']],
        ['toxic', true, []],
        ['toxic', true, ['GET /search']],
        ['llm', false, []],
      ],
    );
    const search = promptDetail(db, 'http-run', 3)!;
    const attempt = search.calls[0]!.attempts[0]!;
    assert.deepEqual([attempt.via, attempt.attribution, attempt.cause], ['service', 'inferred_time', 'toxic']);
    assert.deepEqual(attempt.activeFaults, [
      `toxic #${faults.http.searchTimeout} timeout downstream on search_proxy {"timeout":3000}`,
    ]);
  });
});

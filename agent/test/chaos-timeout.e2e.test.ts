import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAgent } from '../src/index.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

// Answered by the offline model: one add_event call, one get_weather call.
const PROMPTS = [
  {
    prompt: "Put 'Team Meeting' on my calendar for 2030-01-15 at 14:00",
    expect: {
      tools: [{ tool: 'add_event', args: { title: 'Team Meeting', date: '2030-01-15', time: '14:00' } }],
      contains: ['Team Meeting'],
    },
  },
  {
    prompt: "What's the weather like in New York today?",
    expect: { tools: [{ tool: 'get_weather', args: { city: 'New York' } }], contains: ['New York'] },
  },
];

type CallRow = {
  prompt_index: number;
  prompt_attempt: number;
  call_id: string;
  attempt: number;
  via: string;
  outcome: string;
  http_status: number | null;
  duration_ms: number;
};
type ResultRow = {
  prompt_index: number;
  status: string;
  attempts: number;
  error_type: string | null;
  answer: string | null;
};

describe('a timeout toxic on one proxy', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  before(async () => {
    lab = await startTestLab(
      {
        LLM_PROVIDER: 'offline',
        TOOL_LIMIT: '3',
        PROMPT_LIMIT: '2',
        PROXY_TIMEOUT_MS: '500',
        FALLBACK_TIMEOUT_MS: '2000',
      },
      {},
      ['calendar', 'weather'],
    );
    proxied = await startProxies(lab);
    // Toxiproxy 2.12 `timeout` with timeout 0: no data passes downstream and the connection is held
    // open, so the request reaches the calendar but its answer never comes back through the proxy.
    await proxied.proxies.get('calendar')!.addToxic({
      name: 'calendar_blackhole',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
  });
  after(async () => {
    await proxied?.close();
    await lab?.close();
  });

  const calls = (runId: string) => lab.rows<CallRow>('SELECT * FROM tool_calls WHERE run_id = ? ORDER BY id', runId);
  const results = (runId: string) =>
    lab.rows<ResultRow>('SELECT * FROM prompt_results WHERE run_id = ? ORDER BY prompt_index', runId);

  it('attempts are counted to TOOL_LIMIT, then the fallback answers directly, once for the write', async () => {
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(PROMPTS),
      runId: 'toxic-fallback',
      endpoints: proxied.endpoints,
    });
    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.prompts.correct, summary.prompts.failed], [2, 0]);
    assert.deepEqual([summary.toolAttempts, summary.retries, summary.fallbacks], [5, 2, 1]);

    const rows = calls('toxic-fallback');
    const calendar = rows.filter((r) => r.prompt_index === 0);
    assert.deepEqual(
      calendar.map((r) => `${r.attempt}:${r.via}:${r.outcome}:${r.http_status ?? '-'}`),
      ['1:proxy:timeout:-', '2:proxy:timeout:-', '3:proxy:timeout:-', '4:direct:ok:201'],
    );
    for (const r of calendar.slice(0, 3))
      assert.ok(r.duration_ms >= 490 && r.duration_ms < 3000, `proxy attempt took ${r.duration_ms} ms`);
    assert.equal(new Set(calendar.map((r) => r.call_id)).size, 1, 'one logical call');
    assert.deepEqual(
      rows.filter((r) => r.prompt_index === 1).map((r) => `${r.attempt}:${r.via}:${r.outcome}`),
      ['1:proxy:ok'],
    );

    const [event] = results('toxic-fallback');
    assert.deepEqual([event!.status, event!.attempts], ['correct', 1]);
    assert.match(event!.answer!, /Team Meeting/);
    // The attempts through the proxy reached the calendar (only the answers were held back); with one
    // request_id for all of them and the fallback, the event exists once.
    const day = await fetch(`${lab.services.get('calendar')!.url}/events?date=2030-01-15`).then(
      (r) => r.json() as Promise<{ events: { title: string }[] }>,
    );
    assert.deepEqual(
      day.events.map((e) => e.title),
      ['Team Meeting'],
    );
  });

  it('with FALLBACK=off the call ends without a result, and the prompt is retried to PROMPT_LIMIT', async () => {
    const settings = { ...lab.settings, FALLBACK: 'off' as const };
    const summary = await runAgent(settings, {
      promptsFile: lab.promptsFile(PROMPTS),
      runId: 'toxic-no-fallback',
      endpoints: proxied.endpoints,
    });
    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.prompts.correct, summary.prompts.failed], [1, 1]);
    assert.deepEqual(summary.errorTypes, { network: 1 });
    assert.deepEqual([summary.toolAttempts, summary.retries, summary.fallbacks], [7, 4, 0]);

    const calendar = calls('toxic-no-fallback').filter((r) => r.prompt_index === 0);
    assert.deepEqual(
      calendar.map((r) => `${r.prompt_attempt}.${r.attempt}:${r.via}:${r.outcome}`),
      [
        '1.1:proxy:timeout',
        '1.2:proxy:timeout',
        '1.3:proxy:timeout',
        '2.1:proxy:timeout',
        '2.2:proxy:timeout',
        '2.3:proxy:timeout',
      ],
    );
    const rows = results('toxic-no-fallback');
    assert.deepEqual(
      rows.map((r) => [r.prompt_index, r.status, r.attempts, r.error_type]),
      [
        [0, 'failed', 2, 'network'],
        [1, 'correct', 1, null],
      ],
    );
    assert.match(
      rows[0]!.answer!,
      /Team Meeting[\s\S]*no result after 3 attempts through its proxy/,
      'the model still answered, saying the tool failed',
    );
  });
});

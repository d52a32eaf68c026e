/**
 * The agent's GET /metrics during a real run: tool attempts by tool, via and outcome (a simulated 503
 * and a toxic among them), prompts by status and model calls by status, each equal to the rows the
 * agent recorded; read with a real parser of the text format, on a server on port 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningMetricsServer } from '@chaos-lab/common';
import { histogramCount, scrapeMetrics, scrapeUntil } from '@chaos-lab/common/testing';
import { runAgent, startAgentMetricsServer } from '../src/index.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

describe('agent metrics', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  let metrics: RunningMetricsServer;
  before(async () => {
    lab = await startTestLab(
      { LLM_PROVIDER: 'offline', TOOL_LIMIT: '2', PROXY_TIMEOUT_MS: '2000', TOOL_BACKOFF_BASE_MS: '0' },
      { weather: { ERROR_PROB: '1' } },
      ['weather', 'message', 'calculator'],
    );
    proxied = await startProxies(lab);
    // The calculator's proxy resets every connection: its attempts end `reset`, then the fallback answers.
    await proxied.proxies.get('calculator')!.addToxic({
      name: 'reset',
      type: 'reset_peer',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    } as never);
    metrics = (await startAgentMetricsServer(lab.settings, { port: 0 }))!;
  });
  after(async () => {
    await metrics?.close();
    await proxied?.close();
    await lab?.close();
  });

  it('counts what the run records, as it records it', async () => {
    const before = await scrapeMetrics(metrics.url);
    assert.equal(before.value('chaos_lab_tool_attempts_total'), 0);
    assert.equal(before.value('chaos_lab_prompts_total'), 0);
    assert.ok(before.value('nodejs_heap_size_used_bytes') > 0, 'the default process metrics are there');

    const run = runAgent(lab.settings, {
      promptsFile: lab.promptsFile([
        'What is the weather in Tokyo?',
        'What is 12 * 7?',
        { prompt: 'Check my inbox', expect: { tools: ['read_inbox'] } },
      ]),
      runId: 'metrics-1',
      endpoints: proxied.endpoints,
    });
    // Scraped while the run goes: the first prompt's simulated 503s are counted as they happen.
    const during = await scrapeUntil(
      metrics.url,
      'the simulated 503s of get_weather',
      (s) =>
        s.value('chaos_lab_tool_attempts_total', { tool: 'get_weather', via: 'proxy', outcome: 'http_error' }) >= 1,
    );
    assert.ok(during.value('chaos_lab_model_calls_total', { status: 'ok' }) >= 1);
    const summary = await run;
    assert.equal(summary.status, 'completed');

    const after = await scrapeMetrics(metrics.url);
    const attempts = lab.rows<{ tool: string; via: string; outcome: string; n: number }>(
      'SELECT tool, via, outcome, COUNT(*) AS n FROM tool_calls WHERE run_id = ? GROUP BY tool, via, outcome',
      'metrics-1',
    );
    const kinds = attempts.map((a) => `${a.tool}/${a.via}/${a.outcome}`);
    for (const expected of [
      'get_weather/proxy/http_error',
      'get_weather/direct/http_error',
      'calculate/proxy/reset',
      'calculate/direct/ok',
      'read_inbox/proxy/ok',
    ]) {
      assert.ok(kinds.includes(expected), `${expected} among ${kinds.join(', ')}`);
    }
    for (const a of attempts) {
      const labels = { tool: a.tool, via: a.via, outcome: a.outcome };
      assert.equal(after.value('chaos_lab_tool_attempts_total', labels), a.n, JSON.stringify(labels));
      assert.equal(
        await histogramCount('chaos_lab_tool_attempt_duration_seconds', labels),
        a.n,
        `duration of ${JSON.stringify(labels)}`,
      );
    }
    assert.equal(
      after.value('chaos_lab_tool_attempts_total'),
      attempts.reduce((sum, a) => sum + a.n, 0),
    );

    const prompts = lab.rows<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM prompt_results WHERE run_id = ? GROUP BY status',
      'metrics-1',
    );
    assert.ok(
      prompts.some((p) => p.status === 'failed') && prompts.some((p) => p.status === 'correct'),
      JSON.stringify(prompts),
    );
    for (const p of prompts) assert.equal(after.value('chaos_lab_prompts_total', { status: p.status }), p.n, p.status);
    assert.equal(after.value('chaos_lab_prompts_total'), 3);

    const modelCalls = lab.rows<{ status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM model_calls WHERE run_id = ? GROUP BY status',
      'metrics-1',
    );
    for (const m of modelCalls)
      assert.equal(after.value('chaos_lab_model_calls_total', { status: m.status }), m.n, m.status);
    assert.equal(
      after.value('chaos_lab_model_calls_total'),
      modelCalls.reduce((sum, m) => sum + m.n, 0),
    );
  });

  it('answers only /metrics, and GET only; none with AGENT_METRICS_PORT=0', async () => {
    const root = metrics.url.replace(/\/metrics$/, '/');
    assert.equal((await fetch(root)).status, 404);
    assert.equal((await fetch(metrics.url, { method: 'POST' })).status, 405);
    assert.equal(
      await startAgentMetricsServer({ ...lab.settings, AGENT_METRICS_PORT: 0 }),
      undefined,
      'AGENT_METRICS_PORT=0: no server',
    );
  });
});

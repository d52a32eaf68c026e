import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT, testSettingsFrom } from './support/under-test.js';
import { runAgent } from '../src/main.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

/**
 * AGENT_MODULE: the LangGraph.js example (examples/langgraph-agent) run by the lab through the proxies,
 * with a latency toxic on the weather proxy and a calculator that answers every request with a 503.
 * Its tool attempts and model calls are recorded under their prompts, and its prompts get verdicts.
 */
describe('an agent module: the LangGraph.js example under chaos', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  before(async () => {
    lab = await startTestLab({}, { calculator: { ERROR_PROB: '1' } });
    proxied = await startProxies(lab);
    await proxied.proxies.get('weather')!.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 300, jitter: 0 },
    } as never);
  });
  after(async () => {
    await proxied?.close();
    await lab?.close();
  });

  it("runs the prompts with the lab's tools and model, and judges them", async () => {
    const settings = testSettingsFrom(lab, {
      AGENT_MODULE: join(PROJECT_ROOT, 'examples/langgraph-agent/agent.js'),
      TOOL_LIMIT: '2',
      FALLBACK: 'off',
      TOOL_BACKOFF_BASE_MS: '0',
    });
    const summary = await runAgent(settings, {
      promptsFile: lab.promptsFile([
        {
          id: 'weather',
          prompt: "What's the weather like in New York today?",
          expect: { tools: [{ tool: 'get_weather', args: { city: 'New York' } }], contains: ['New York'] },
        },
        {
          id: 'calculate',
          prompt: 'Calculate the result of 15 * 23 + 47',
          expect: { tools: ['calculate'], matches: '\\b392\\b' },
        },
        {
          id: 'translate',
          prompt: "Translate 'Hello, how are you?' to Spanish",
          expect: { tools: [{ tool: 'translate', args: { target_language: 'es' } }], contains: ['Hola'] },
        },
      ]),
      endpoints: proxied.endpoints,
    });
    assert.equal(summary.status, 'completed', summary.error);
    const results = lab.rows<{ prompt_id: string; status: string; verdict: string | null; error_type: string | null }>(
      'SELECT prompt_id, status, verdict, error_type FROM prompt_results ORDER BY prompt_index',
    );
    assert.deepEqual(
      results.map((r) => [r.prompt_id, r.status]),
      [
        ['weather', 'correct'],
        ['calculate', 'failed'],
        ['translate', 'correct'],
      ],
      JSON.stringify(lab.rows('SELECT prompt_id, status, error FROM prompt_results')),
    );
    assert.equal(results[1]!.error_type, 'server');
    // The lab's tools recorded every attempt, through the proxies, under its prompt.
    const attempts = lab.rows<{ prompt_index: number; tool: string; via: string; http_status: number | null }>(
      'SELECT prompt_index, tool, via, http_status FROM tool_calls ORDER BY id',
    );
    assert.deepEqual(
      attempts.filter((a) => a.tool === 'calculate').map((a) => [a.prompt_index, a.via, a.http_status]),
      [
        [1, 'proxy', 503],
        [1, 'proxy', 503],
      ],
    );
    assert.ok(attempts.some((a) => a.tool === 'get_weather' && a.prompt_index === 0 && a.http_status === 200));
    // The model's calls are the run's, each under the prompt it was made for.
    const models = lab.rows<{ prompt_index: number | null; status: string }>(
      'SELECT prompt_index, status FROM model_calls',
    );
    assert.ok(models.length >= 6, `${models.length} model calls`);
    assert.ok(
      models.every((m) => m.prompt_index !== null && m.status === 'ok'),
      JSON.stringify(models),
    );
  });
});

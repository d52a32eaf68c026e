import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkHealth } from '@chaos-lab/common';
import { runAgent } from '../src/main.js';
import { formatSummary } from '../src/records/summary.js';
import { type ProxiedLab, type TestLab, directEndpoints, startProxies, startTestLab } from './support/lab.js';
import { testSettingsFrom } from './support/under-test.js';
import { freePort } from '@chaos-lab/common/testing';

/**
 * AGENT_URL + AGENT_COMMAND: the Python example (examples/python-agent), started by the lab, reached
 * over HTTP, with its calls read from the services' records. Chaos: a latency toxic on the weather
 * proxy, a calculator answering 503 to everything, and a reset_peer toxic on the translator proxy,
 * which no request passes (the translator sees nothing).
 */
describe('an agent over HTTP: the Python example under chaos', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  before(async () => {
    lab = await startTestLab({ SERVICE_REQUESTS: 'on' }, { calculator: { ERROR_PROB: '1', SERVICE_REQUESTS: 'on' } });
    proxied = await startProxies(lab);
    await proxied.proxies.get('weather')!.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 200, jitter: 0 },
    } as never);
    await proxied.proxies.get('translator')!.addToxic({
      name: 'cut',
      type: 'reset_peer',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    } as never);
  });
  after(async () => {
    await proxied?.close();
    await lab?.close();
  });

  it('runs the prompts through the agent, and judges them from what the services saw', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const settings = testSettingsFrom(lab, {
      SERVICE_REQUESTS: 'on',
      AGENT_URL: url,
      AGENT_COMMAND: 'exec /usr/bin/python3 examples/python-agent/agent.py',
    });
    const summary = await runAgent(settings, {
      runId: 'http-run',
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
          expect: { tools: [{ tool: 'translate', args: { target_language: 'es' } }] },
        },
      ]),
      endpoints: proxied.endpoints,
    });
    assert.equal(summary.status, 'completed', summary.error);
    const results = lab.rows<{ prompt_id: string; status: string; verdict: string | null }>(
      'SELECT prompt_id, status, verdict FROM prompt_results ORDER BY prompt_index',
    );
    // The agent passed on the model's mark: it could not answer without the tool's result.
    assert.deepEqual(
      results.map((r) => [r.prompt_id, r.status]),
      [
        ['weather', 'correct'],
        ['calculate', 'unhandled'],
        ['translate', 'unhandled'],
      ],
      JSON.stringify(results),
    );
    assert.match(results[1]!.verdict!, /could not calculate .*HTTP 503/);
    assert.match(results[2]!.verdict!, /could not translate .*reset/i);

    // Tool and model requests carried the attempt's prefix: tied to their prompt for certain.
    const seen = lab.rows<{
      service: string;
      prompt_index: number;
      attribution: string;
      request_id: string | null;
      status: number;
    }>('SELECT service, prompt_index, attribution, request_id, status FROM service_requests ORDER BY id');
    const tools = seen.filter((r) => r.service !== 'model');
    assert.deepEqual(
      [...new Set(tools.map((r) => `${r.service}:${r.prompt_index}:${r.attribution}`))],
      ['weather:0:request_id', 'calculator:1:request_id'],
    );
    assert.deepEqual(
      tools.filter((r) => r.service === 'calculator').map((r) => [r.status, r.request_id]),
      [1, 2, 3].map((n) => [503, `http-run/p1/a1/c1#${n}`]),
    );
    const model = seen.filter((r) => r.service === 'model');
    assert.ok(
      model.length >= 6 &&
        model.every(
          (r) =>
            r.attribution === 'request_id' &&
            r.request_id?.startsWith(`http-run/p${r.prompt_index}/a1/m`) &&
            r.status === 200,
        ),
      JSON.stringify(model),
    );
    const modelCalls = lab.rows<{ provider: string; status: string }>('SELECT provider, status FROM model_calls');
    assert.equal(modelCalls.length, model.length);
    assert.ok(modelCalls.every((m) => m.provider === 'agent-under-test' && m.status === 'ok'));
    // The summary says what the lab saw, and how.
    const text = formatSummary(summary);
    assert.match(
      text,
      new RegExp(
        `\ntool calls   not seen by the lab \\(an agent over HTTP\\); the services saw 4 tool requests, ${model.length} model requests\n`,
      ),
      text,
    );
    assert.match(
      text,
      new RegExp(
        `\ntied         ${4 + model.length} to their prompt by X-Request-Id, 0 by the time they arrived \\(inferred\\)\n`,
      ),
      text,
    );
    assert.match(text, /\nmodel calls {2}\d+ requests; tokens not reported\n/, text);
    // The lab stopped the process it started.
    assert.equal((await checkHealth(`${url}/health`, 1000)).ok, false);
  });
});

/**
 * The same agent with LLM faults on (`LLM_FAULT_PROB=0.5 LLM_FAULTS=rate_limit`, as a user would start
 * it): the agent follows docs/your-agent.md only (its model requests carry the prompt's requestIdPrefix,
 * no other header), so the gateway announces them under their prompt, the schedule's random LLM fault
 * reaches them, and every model_calls row names the fault it met.
 */
describe('an agent over HTTP: the Python example under LLM faults', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({
      SERVICE_REQUESTS: 'on',
      LLM_FAULT_PROB: '0.5',
      LLM_FAULTS: 'rate_limit',
      LLM_FAULT_RETRY_AFTER_S: '0',
    });
  });
  after(async () => {
    await lab?.close();
  });

  it('its model requests meet the faults, and each model_calls row names the one it met', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const settings = testSettingsFrom(lab, {
      SERVICE_REQUESTS: 'on',
      CHAOS_SEED: '11',
      AGENT_URL: url,
      AGENT_COMMAND: 'exec /usr/bin/python3 examples/python-agent/agent.py',
    });
    const weather = {
      prompt: "What's the weather like in Paris today?",
      expect: { tools: [{ tool: 'get_weather', args: { city: 'Paris' } }], contains: ['Paris'] },
    };
    const summary = await runAgent(settings, {
      runId: 'llm-run',
      promptsFile: lab.promptsFile([weather, weather, weather]),
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.status, 'completed', summary.error);

    const model = lab.rows<{ attribution: string; request_id: string }>(
      "SELECT attribution, request_id FROM service_requests WHERE service = 'model' ORDER BY id",
    );
    assert.ok(
      model.length >= 6 &&
        model.every((r) => r.attribution === 'request_id' && /^llm-run\/p\d\/a\d\/m\d+#\d$/.test(r.request_id)),
      JSON.stringify(model),
    );
    const faulted = lab.rows<{ id: number; request_ids: string }>(
      "SELECT id, json_extract(attributes, '$.request_ids') AS request_ids FROM fault_events WHERE run_id = 'llm-run' AND kind = 'llm'",
    );
    const applied = new Map(
      faulted.flatMap((e) => (JSON.parse(e.request_ids ?? '[]') as string[]).map((id) => [id, e.id])),
    );
    assert.ok(applied.size >= 1, 'the random LLM fault reached the agent');
    const calls = lab.rows<{
      request_id: string;
      status: string;
      http_status: number | null;
      fault: string | null;
      fault_event_id: number | null;
    }>(
      "SELECT request_id, status, http_status, fault, fault_event_id FROM model_calls WHERE run_id = 'llm-run' ORDER BY id",
    );
    assert.equal(calls.length, model.length);
    for (const c of calls) {
      const event = applied.get(c.request_id);
      assert.deepEqual(
        [c.status, c.http_status, c.fault, c.fault_event_id],
        event === undefined ? ['ok', 200, null, null] : ['http_error', 429, 'rate_limit', event],
        JSON.stringify(c),
      );
    }
    assert.equal(calls.filter((c) => c.fault !== null).length, applied.size, 'every fault applied is on its row');
  });
});

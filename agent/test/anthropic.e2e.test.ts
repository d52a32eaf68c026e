/**
 * The Anthropic path (LLM_PROVIDER=anthropic, ChatAnthropic from @langchain/anthropic) against a local
 * server speaking Anthropic's Messages API (`POST /v1/messages`, tool_use and tool_result blocks, usage
 * input_tokens/output_tokens): the agent loop with a real tool call, the requests recorded in
 * model_calls under `anthropic` with their tokens, the key sent as `x-api-key` and kept out of the
 * record; and a missing key refused before anything starts. Then ChatAnthropic against the lab's own
 * model server (its Messages API around the offline model): the planned LLM fault (a 529
 * overloaded_error) meets the first model call, the SDK retries it, and model_calls records both.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isLabError, listenOn } from '@chaos-lab/common';
import { testSettings } from '@chaos-lab/common/testing';
import { resolveProvider, runAgent } from '../src/index.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';

const MODEL = 'claude-test';
const KEY = 'sk-ant-5ecret-1';

interface MessagesRequest {
  model: string;
  messages: { role: string; content: string | { type: string; content?: unknown }[] }[];
  tools?: { name: string }[];
}

/** A stand-in for Anthropic's Messages API: calls get_weather, then answers from its result. */
async function startFakeAnthropic() {
  const requests: { apiKey: string | undefined; body: MessagesRequest }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/messages') return void res.writeHead(404).end();
      const body = JSON.parse(text) as MessagesRequest;
      requests.push({ apiKey: req.headers['x-api-key'] as string | undefined, body });
      const result = body.messages
        .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
        .find((b) => b.type === 'tool_result');
      const content = result
        ? [{ type: 'text', text: `The weather in Paris: ${JSON.stringify(result.content).slice(0, 40)}` }]
        : [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }];
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `msg_${requests.length}`,
          type: 'message',
          role: 'assistant',
          model: MODEL,
          content,
          stop_reason: result ? 'end_turn' : 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 100 * requests.length, output_tokens: 7 },
        }),
      );
    });
  });
  const port = await listenOn(server, 0, '127.0.0.1', 'fake Anthropic');
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the Anthropic path, against a local server speaking the Messages API', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({}, {}, ['weather']);
  });
  after(async () => lab?.close());

  it('runs the agent loop with a real tool call, recorded in model_calls under anthropic with its tokens', async () => {
    const anthropic = await startFakeAnthropic();
    try {
      const settings = testSettings(lab.dir, {
        PROXY_MANAGER_URL: lab.settings.PROXY_MANAGER_URL,
        LLM_PROVIDER: 'anthropic',
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: anthropic.url,
        ANTHROPIC_MODEL: MODEL,
      });
      const prompt = {
        prompt: 'What is the weather in Paris?',
        expect: { tools: [{ tool: 'get_weather', args: { city: 'Paris' } }], contains: ['Paris'] },
      };
      const summary = await runAgent(settings, {
        promptsFile: lab.promptsFile([prompt]),
        runId: 'anthropic-1',
        endpoints: directEndpoints(lab),
      });
      assert.equal(summary.model, `anthropic:${MODEL}`);
      assert.deepEqual([summary.status, summary.prompts.correct], ['completed', 1]);
      assert.equal(anthropic.requests.length, 2);
      assert.ok(anthropic.requests.every((r) => r.apiKey === KEY && r.body.model === MODEL));
      assert.ok(anthropic.requests[0]!.body.tools!.some((t) => t.name === 'get_weather'));
      const calls = lab.rows<{ provider: string; status: string; tokens_in: number; tokens_out: number }>(
        'SELECT provider, status, tokens_in, tokens_out FROM model_calls WHERE run_id = ? ORDER BY id',
        'anthropic-1',
      );
      assert.deepEqual(calls, [
        { provider: 'anthropic', status: 'ok', tokens_in: 100, tokens_out: 7 },
        { provider: 'anthropic', status: 'ok', tokens_in: 200, tokens_out: 7 },
      ]);
      const [run] = lab.rows<{ settings: string }>('SELECT settings FROM runs WHERE run_id = ?', 'anthropic-1');
      assert.equal(JSON.parse(run!.settings).ANTHROPIC_API_KEY, '(set)');
      assert.doesNotMatch(run!.settings, /5ecret/);
    } finally {
      await anthropic.close();
    }
  });

  it('LLM_PROVIDER=anthropic without ANTHROPIC_API_KEY is refused with one line', () => {
    assert.throws(
      () => testSettings(lab.dir, { LLM_PROVIDER: 'anthropic' }),
      (err: Error) => isLabError(err, 'SETTINGS_INVALID') && /ANTHROPIC_API_KEY must be set/.test(err.message),
    );
    assert.equal(
      resolveProvider(testSettings(lab.dir, { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: KEY })).label,
      'anthropic:claude-3-5-haiku-latest',
    );
    const via = testSettings(lab.dir, {
      LLM_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: KEY,
      MODEL_UPSTREAM_URL: 'https://api.anthropic.com/v1',
      MODEL_URL: 'http://127.0.0.1:6100/v1',
    });
    assert.equal(
      resolveProvider(via).reason,
      'LLM_PROVIDER=anthropic at https://api.anthropic.com/v1, through the model gateway at http://127.0.0.1:6100/v1 to https://api.anthropic.com/v1',
    );
  });
});

describe("ChatAnthropic against the lab's model server: the offline model behind the LLM fault gateway", () => {
  it('meets the planned 529 overloaded_error, retries it, answers correctly, and records each request', async () => {
    const lab = await startTestLab(
      { LLM_FAULT_CALLS: '1', LLM_FAULTS: 'unavailable', LLM_FAULT_RETRY_AFTER_S: '0', MODEL_MAX_RETRIES: '2' },
      {},
      ['weather'],
    );
    try {
      const settings = testSettings(lab.dir, {
        PROXY_MANAGER_URL: lab.settings.PROXY_MANAGER_URL,
        LLM_PROVIDER: 'anthropic',
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: lab.model.baseUrl.replace(/\/v1$/, ''),
        ANTHROPIC_MODEL: MODEL,
        MODEL_MAX_RETRIES: '2',
      });
      const prompt = {
        prompt: 'What is the weather in Paris?',
        expect: { tools: [{ tool: 'get_weather', args: { city: 'Paris' } }], contains: ['Paris'] },
      };
      const summary = await runAgent(settings, {
        promptsFile: lab.promptsFile([prompt]),
        runId: 'anthropic-offline',
        endpoints: directEndpoints(lab),
      });
      assert.deepEqual([summary.status, summary.prompts.correct], ['completed', 1]);
      const calls = lab.rows<{ provider: string; fault: string | null; http_status: number }>(
        'SELECT provider, fault, http_status FROM model_calls WHERE run_id = ? ORDER BY id',
        'anthropic-offline',
      );
      assert.deepEqual(calls[0], { provider: 'anthropic', fault: 'unavailable', http_status: 529 });
      assert.ok(
        calls.length >= 3 && calls.slice(1).every((c) => c.fault === null && c.http_status === 200),
        JSON.stringify(calls),
      );
    } finally {
      await lab.close();
    }
  });
});

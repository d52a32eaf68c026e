import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOOL_NAMES, isLabError } from '@chaos-lab/common';
import { testSettings } from '@chaos-lab/common/testing';
import { OFFLINE_MODEL_LABEL, resolveProvider, runAgent } from '../src/index.js';
import { type GroqRequest, startFakeGroq, textReply, toolCallsReply } from './support/fake-groq.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';

const MODEL = 'llama-test';

describe("the Groq path, against a local server speaking Groq's chat-completions format", () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({}, {}, ['weather']);
  });
  after(async () => lab?.close());

  /** Settings for Groq at `url`. */
  const groqSettings = (url: string, extra: Record<string, string> = {}) =>
    testSettings(lab.dir, {
      LLM_PROVIDER: 'auto',
      GROQ_API_KEY: 'test-key',
      GROQ_BASE_URL: url,
      GROQ_MODEL: MODEL,
      ...extra,
    });

  /** Calls get_weather, then answers from the tool message. */
  const weatherAgent = (request: GroqRequest) => {
    const tool = request.body.messages.find((m) => m.role === 'tool');
    if (!tool) return toolCallsReply(MODEL, [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }]);
    const weather = JSON.parse(tool.content ?? '{}') as { city: string; temperature_c: number };
    return textReply(MODEL, `It is ${weather.temperature_c} °C in ${weather.city}.`);
  };

  it('runs the agent loop with real tool calls (auto with GROQ_API_KEY set chooses Groq)', async () => {
    const groq = await startFakeGroq(weatherAgent);
    try {
      const expect = {
        tools: [{ tool: 'get_weather', args: { city: 'Paris' } }],
        matches: '-?\\d+(\\.\\d+)? °C in Paris',
      };
      const summary = await runAgent(groqSettings(groq.url), {
        promptsFile: lab.promptsFile([{ prompt: 'What is the weather in Paris?', expect }]),
        runId: 'groq-1',
        endpoints: directEndpoints(lab),
      });
      assert.equal(summary.model, `groq:${MODEL}`);
      assert.deepEqual(
        [summary.status, summary.prompts.correct, summary.toolAttempts, summary.modelRetries],
        ['completed', 1, 1, 0],
      );
      const [answer] = lab.rows<{ answer: string }>('SELECT answer FROM prompt_results WHERE run_id = ?', 'groq-1');
      assert.match(answer!.answer, /^It is -?\d+(\.\d+)? °C in Paris\.$/);

      assert.equal(groq.requests.length, 2);
      const [first, second] = groq.requests;
      assert.equal(first!.authorization, 'Bearer test-key');
      assert.equal(first!.body.model, MODEL);
      assert.deepEqual(
        first!.body.tools?.map((t) => t.function.name),
        [...TOOL_NAMES],
      );
      const weatherTool = first!.body.tools!.find((t) => t.function.name === 'get_weather')!;
      assert.deepEqual((weatherTool.function.parameters as { required: string[] }).required, ['city']);
      assert.deepEqual(
        first!.body.messages.map((m) => m.role),
        ['system', 'user'],
      );
      assert.deepEqual(
        second!.body.messages.map((m) => m.role),
        ['system', 'user', 'assistant', 'tool'],
      );
      assert.equal(second!.body.messages[3]!.tool_call_id, 'call_1');
    } finally {
      await groq.close();
    }
  });

  it("counts the Groq client's own retries (GROQ_MAX_RETRIES)", async () => {
    let failed = false;
    const groq = await startFakeGroq((request) => {
      if (!failed) {
        failed = true;
        return { status: 500, body: { error: { message: 'internal error', type: 'internal_server_error' } } };
      }
      return weatherAgent(request);
    });
    try {
      const summary = await runAgent(groqSettings(groq.url, { GROQ_MAX_RETRIES: '1' }), {
        promptsFile: lab.promptsFile(['Weather in Paris?']),
        runId: 'groq-2',
        endpoints: directEndpoints(lab),
      });
      assert.deepEqual([summary.prompts.unchecked, summary.prompts.failed, summary.modelRetries], [1, 0, 1]);
      assert.equal(groq.requests.length, 3);
    } finally {
      await groq.close();
    }
  });

  it("judges a hosted model's answers: a wrong city and an unexpected refusal are wrong, an expected refusal correct, never unhandled", async () => {
    const groq = await startFakeGroq((request) => {
      const question = request.body.messages.find((m) => m.role === 'user')?.content ?? '';
      if (/Atlantis|Oslo/.test(question))
        return textReply(MODEL, "I'm sorry, but I can't get the weather for that place.");
      return weatherAgent(request);
    });
    try {
      const prompts = [
        {
          prompt: 'What is the weather in London?',
          expect: { tools: [{ tool: 'get_weather', args: { city: 'London' } }], contains: ['London'] },
        },
        { prompt: 'What is the weather in Atlantis?', expect: { refusal: true } },
        { prompt: 'What is the weather in Oslo?', expect: { contains: ['Oslo'] } },
      ];
      const summary = await runAgent(groqSettings(groq.url), {
        promptsFile: lab.promptsFile(prompts),
        runId: 'groq-verdicts',
        endpoints: directEndpoints(lab),
      });
      assert.deepEqual([summary.prompts.correct, summary.prompts.wrong, summary.prompts.unhandled], [1, 2, 0]);
      const rows = lab.rows<{ status: string; verdict: string }>(
        'SELECT status, verdict FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
        'groq-verdicts',
      );
      assert.deepEqual(rows, [
        {
          status: 'wrong',
          verdict:
            'expected a call get_weather(city: "London") (calls made: get_weather(city: "Paris")); the answer does not contain "London"',
        },
        { status: 'correct', verdict: 'every expectation met' },
        {
          status: 'wrong',
          verdict:
            'the answer says it could not do what was asked, where an answer was expected; the answer does not contain "Oslo"',
        },
      ]);
    } finally {
      await groq.close();
    }
  });

  it('a Groq call that fails is a model failure', async () => {
    const groq = await startFakeGroq(() => ({
      status: 401,
      body: { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } },
    }));
    try {
      const summary = await runAgent(groqSettings(groq.url, { LLM_PROVIDER: 'groq' }), {
        promptsFile: lab.promptsFile(['Hi']),
        runId: 'groq-3',
        endpoints: directEndpoints(lab),
      });
      assert.deepEqual(summary.errorTypes, { model: 1 });
      assert.equal(summary.modelRetries, 0, 'a 401 is not retried');
      const [row] = lab.rows<{ error: string }>('SELECT error FROM prompt_results WHERE run_id = ?', 'groq-3');
      assert.match(row!.error, /Invalid API Key/);
    } finally {
      await groq.close();
    }
  });
});

describe('LLM_PROVIDER', () => {
  it('auto: groq with a key, offline without; groq needs the key', () => {
    const dir = '/nonexistent-lab';
    assert.deepEqual(resolveProvider(testSettings(dir, { GROQ_API_KEY: 'k' })), {
      provider: 'groq',
      label: 'groq:llama-3.3-70b-versatile',
      reason: 'LLM_PROVIDER=auto and GROQ_API_KEY is set',
    });
    assert.deepEqual(resolveProvider(testSettings(dir, { MODEL_PROXY: 'on' })), {
      provider: 'offline',
      label: OFFLINE_MODEL_LABEL,
      reason: "LLM_PROVIDER=auto and GROQ_API_KEY is not set; the lab's model server at http://127.0.0.1:6100/v1",
    });
    assert.match(
      resolveProvider(testSettings(dir, { MODEL_PROXY: 'on', PORT_OFFSET: '20000' })).reason,
      /at http:\/\/127\.0\.0\.1:26100\/v1$/,
      'through model_proxy, shifted by PORT_OFFSET',
    );
    assert.match(
      resolveProvider(testSettings(dir, { MODEL_PROXY: 'off', PORT_OFFSET: '20000' })).reason,
      /at http:\/\/127\.0\.0\.1:28100\/v1$/,
      'MODEL_PROXY=off: the model server itself',
    );
    assert.match(
      resolveProvider(testSettings(dir, { MODEL_URL: 'http://model.test:9/v1' })).reason,
      /at http:\/\/model\.test:9\/v1$/,
    );
    assert.deepEqual(
      resolveProvider(
        testSettings(dir, {
          LLM_PROVIDER: 'openai',
          OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
          OPENAI_MODEL: 'llama3.2',
        }),
      ),
      {
        provider: 'openai',
        label: 'openai:llama3.2',
        reason: 'LLM_PROVIDER=openai at http://127.0.0.1:11434/v1',
      },
    );
    assert.equal(
      resolveProvider(testSettings(dir, { LLM_PROVIDER: 'offline', GROQ_API_KEY: 'k' })).provider,
      'offline',
    );
    assert.throws(
      () => resolveProvider(testSettings(dir, { LLM_PROVIDER: 'groq' })),
      (err: unknown) => isLabError(err, 'SETTINGS_INVALID') && /GROQ_API_KEY/.test(err.message),
    );
  });
});

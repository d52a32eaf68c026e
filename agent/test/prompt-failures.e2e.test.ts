import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AIMessage } from '@langchain/core/messages';
import { runAgent } from '../src/index.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';
import { closedEndpoint } from './support/stub-server.js';
import { ScriptedChatModel, callThenAnswer, hangUntilAborted } from './support/scripted-model.js';

type Row = {
  prompt_index: number;
  status: string;
  attempts: number;
  error_type: string | null;
  error: string | null;
  answer: string | null;
};

describe('a prompt fails, and is retried up to PROMPT_LIMIT, when…', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ PROMPT_LIMIT: '2', PROXY_TIMEOUT_MS: '200' }, {}, ['weather', 'calculator']);
  });
  after(async () => lab?.close());

  const results = (runId: string) =>
    lab.rows<Row>('SELECT * FROM prompt_results WHERE run_id = ? ORDER BY prompt_index', runId);

  it('the model call fails: error type model; the run still completes', async () => {
    const model = new ScriptedChatModel(() => {
      throw new Error('rate limited by the provider');
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['Hi']),
      runId: 'model-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.status, 'completed');
    assert.deepEqual(summary.errorTypes, { model: 1 });
    assert.equal(model.turns, 2);
    const [row] = results('model-1');
    assert.deepEqual([row!.status, row!.attempts, row!.error_type], ['failed', 2, 'model']);
    assert.match(row!.error!, /rate limited by the provider/);
  });

  it("a tool call ends without a result: error type network, the model's answer kept", async () => {
    const dead = await closedEndpoint();
    const model = new ScriptedChatModel(callThenAnswer(() => [{ name: 'get_weather', args: { city: 'Paris' } }]));
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['Weather in Paris?']),
      runId: 'network-1',
      model,
      endpoints: directEndpoints(lab, { weather: { proxy: dead, direct: dead } }),
    });
    assert.deepEqual(summary.errorTypes, { network: 1 });
    assert.equal(summary.toolAttempts, 4, 'two prompt attempts, each one proxy attempt and one fallback');
    assert.equal(summary.fallbacks, 2);
    const [row] = results('network-1');
    assert.deepEqual([row!.status, row!.attempts, row!.error_type], ['failed', 2, 'network']);
    assert.match(row!.error!, /^get_weather gave no result: ECONNREFUSED/);
    assert.match(row!.answer!, /^get_weather:error:get_weather failed: the weather service gave no result/);
    const calls = lab.rows<{ prompt_attempt: number; attempt: number; via: string }>(
      'SELECT prompt_attempt, attempt, via FROM tool_calls WHERE run_id = ? ORDER BY id',
      'network-1',
    );
    assert.deepEqual(
      calls.map((c) => `${c.prompt_attempt}.${c.attempt}:${c.via}`),
      ['1.1:proxy', '1.2:direct', '2.1:proxy', '2.2:direct'],
    );
  });

  it('the attempt runs past PROMPT_TIMEOUT_MS: error type timeout', async () => {
    const model = new ScriptedChatModel((_messages, _turn, signal) => hangUntilAborted(signal));
    const started = Date.now();
    const settings = { ...lab.settings, PROMPT_TIMEOUT_MS: 300 };
    const summary = await runAgent(settings, {
      promptsFile: lab.promptsFile(['Slow']),
      runId: 'timeout-1',
      model,
      endpoints: directEndpoints(lab),
    });
    const elapsed = Date.now() - started;
    assert.deepEqual(summary.errorTypes, { timeout: 1 });
    const [row] = results('timeout-1');
    assert.deepEqual(
      [row!.status, row!.attempts, row!.error_type, row!.error],
      ['failed', 2, 'timeout', 'no answer within 300 ms'],
    );
    assert.ok(elapsed >= 550 && elapsed < 10_000, `two 300 ms attempts took ${elapsed} ms`);
  });

  it('the agent keeps calling tools past its step limit: error type tool_limit', async () => {
    const model = new ScriptedChatModel(
      (_messages, turn) =>
        new AIMessage({
          content: '',
          tool_calls: [{ id: `c${turn}`, name: 'calculate', args: { expression: `${turn} + 1` }, type: 'tool_call' }],
        }),
    );
    const settings = { ...lab.settings, PROMPT_LIMIT: 1 };
    const summary = await runAgent(settings, {
      promptsFile: lab.promptsFile(['Loop']),
      runId: 'loop-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.deepEqual(summary.errorTypes, { tool_limit: 1 });
    assert.match(results('loop-1')[0]!.error!, /Recursion limit/);
  });

  it('answers correctly at the second attempt when the first failed', async () => {
    let calls = 0;
    const model = new ScriptedChatModel(() => {
      calls += 1;
      if (calls === 1) throw new Error('transient');
      return new AIMessage('fine');
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile([{ prompt: 'Hi', expect: { contains: ['fine'] } }]),
      runId: 'retry-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.deepEqual([summary.prompts.correct, summary.prompts.failed, summary.promptAttempts], [1, 0, 2]);
    const [row] = results('retry-1');
    assert.deepEqual([row!.status, row!.attempts, row!.answer, row!.error_type], ['correct', 2, 'fine', null]);
  });

  it('a wrong answer is final: not retried, its verdict names the expectation not met', async () => {
    const model = new ScriptedChatModel(callThenAnswer(() => [{ name: 'get_weather', args: { city: 'Paris' } }]));
    const expect = { tools: [{ tool: 'get_weather', args: { city: 'London' } }], contains: ['London'] };
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile([{ prompt: 'Weather in London?', expect }]),
      runId: 'wrong-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.deepEqual(
      [summary.prompts.wrong, summary.prompts.correct, summary.promptAttempts, summary.successRate],
      [1, 0, 1, 0],
    );
    assert.equal(model.turns, 2, 'one attempt: a call, then the answer');
    const [row] = lab.rows<Row & { verdict: string }>('SELECT * FROM prompt_results WHERE run_id = ?', 'wrong-1');
    assert.deepEqual([row!.status, row!.attempts, row!.error_type], ['wrong', 1, null]);
    assert.equal(
      row!.verdict,
      'expected a call get_weather(city: "London") (calls made: get_weather(city: "Paris")); the answer does not contain "London"',
    );
  });

  it('an answer the model marks unhandled is final and never counted correct, unless a refusal was expected', async () => {
    const model = new ScriptedChatModel(
      () =>
        new AIMessage({
          content: 'I could not tell which city you mean.',
          response_metadata: { unhandled: 'no city named' },
        }),
    );
    const prompts = [
      { prompt: 'Weather?', expect: { contains: ['city'] } },
      { prompt: 'Weather in Atlantis?', expect: { refusal: true } },
      'Weather there?',
    ];
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(prompts),
      runId: 'unhandled-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.deepEqual([summary.prompts.unhandled, summary.prompts.correct, summary.promptAttempts], [2, 1, 3]);
    const rows = lab.rows<Row & { verdict: string }>(
      'SELECT * FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'unhandled-1',
    );
    assert.deepEqual(
      rows.map((r) => [r.status, r.attempts, r.verdict]),
      [
        ['unhandled', 1, 'the model could not handle the prompt: no city named'],
        ['correct', 1, 'every expectation met'],
        ['unhandled', 1, 'the model could not handle the prompt: no city named'],
      ],
    );
  });

  it('the model ends without an answer: error type agent', async () => {
    const model = new ScriptedChatModel(() => new AIMessage(''));
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['Hi']),
      runId: 'empty-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.deepEqual(summary.errorTypes, { agent: 1 });
  });

  it("a tool fails inside the agent's own code: error type agent, even though the model answered", async () => {
    const model = new ScriptedChatModel(
      callThenAnswer(() => [{ name: 'search_web', args: { query: 'chaos engineering' } }]),
    );
    const endpoints = () => {
      throw new Error('no endpoint for search');
    };
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['Search chaos engineering']),
      runId: 'own-fault-1',
      model,
      endpoints,
    });
    assert.deepEqual(summary.errorTypes, { agent: 1 });
    const [row] = results('own-fault-1');
    assert.equal(row!.error, 'search_web gave no result: no endpoint for search');
    assert.match(row!.answer!, /^search_web:error:search_web failed inside the agent: no endpoint for search/);
  });
});

/**
 * The model server speaks the OpenAI chat-completions API: raw requests (whole and streamed), and
 * LangChain's own OpenAI client (ChatOpenAI, what the agent uses for LLM_PROVIDER=offline and openai)
 * against it, with tool calls and the unhandled mark.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, HumanMessage, ToolMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { complete, startTestModelServer, WEATHER_TOOL, type TestModelServer } from './support/model-server.js';

describe('the model server, OpenAI-compatible', () => {
  let lab: TestModelServer;
  before(async () => {
    lab = await startTestModelServer();
  });
  after(() => lab.close());

  it('answers /health and lists its model in /v1/models', async () => {
    assert.equal((await fetch(`${lab.server.baseUrl.replace(/\/v1$/, '')}/health`)).status, 200);
    const models = (await (await fetch(`${lab.server.baseUrl}/models`)).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['chaos-lab-offline'],
    );
  });

  it('answers a prompt with a tool call, then with the answer written from the tool message', async () => {
    const first = (await (await complete(lab.server, {})).json()) as {
      choices: Array<{
        finish_reason: string;
        message: { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> };
      }>;
      usage: { prompt_tokens: number };
    };
    const call = first.choices[0]!.message.tool_calls[0]!;
    assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.ok(first.usage.prompt_tokens > 0);
    const messages = [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: call.function }] },
      {
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify({ city: 'Paris', temperature_c: 12.5, condition: 'cloudy' }),
      },
    ];
    const second = (await (await complete(lab.server, { messages })).json()) as {
      choices: Array<{ finish_reason: string; message: { content: string } }>;
    };
    assert.equal(second.choices[0]!.finish_reason, 'stop');
    assert.match(second.choices[0]!.message.content, /Paris/);
  });

  it('streams server-sent events ending with [DONE], usage when asked', async () => {
    const res = await complete(lab.server, { stream: true, stream_options: { include_usage: true } });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    assert.equal(events.at(-1), 'data: [DONE]');
    const chunks = events.slice(0, -1).map(
      (e) =>
        JSON.parse(e.replace(/^data: /, '')) as {
          choices: Array<{ delta: { tool_calls?: unknown[] } }>;
          usage?: unknown;
        },
    );
    assert.ok(
      chunks.some((c) => c.choices[0]?.delta.tool_calls),
      'a tool call chunk',
    );
    assert.ok(chunks.at(-1)!.usage, 'the last chunk carries usage');
  });

  it('answers a bad request with a 400 and an OpenAI error body', async () => {
    const res = await complete(lab.server, { messages: [] });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /messages/);
  });

  /**
   * One model step, whole (`invoke`) or streamed (`stream`, chunks concatenated). Not `streaming: true`
   * with `invoke`: ChatOpenAI then estimates tokens with tiktoken, which it downloads from the internet.
   */
  async function step(
    bound: ReturnType<ChatOpenAI['bindTools']>,
    messages: BaseMessage[],
    streaming: boolean,
  ): Promise<AIMessage> {
    if (!streaming) return (await bound.invoke(messages)) as AIMessage;
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await bound.stream(messages)) whole = whole ? whole.concat(chunk) : chunk;
    assert.ok(whole, 'at least one chunk');
    return new AIMessage({ content: whole.content, tool_calls: whole.tool_calls });
  }

  for (const streaming of [false, true]) {
    it(`works with ChatOpenAI as a real provider would (${streaming ? 'streamed' : 'whole answers'}), and carries the unhandled mark`, async () => {
      const model = new ChatOpenAI({
        model: 'chaos-lab-offline',
        apiKey: 'none',
        configuration: { baseURL: lab.server.baseUrl },
        maxRetries: 0,
      });
      const bound = model.bindTools([WEATHER_TOOL]);
      const ai = await step(bound, [new HumanMessage('What is the weather in Tokyo?')], streaming);
      assert.equal(ai.tool_calls?.[0]?.name, 'get_weather');
      assert.deepEqual(ai.tool_calls?.[0]?.args, { city: 'Tokyo' });
      const tool = new ToolMessage({
        tool_call_id: ai.tool_calls![0]!.id!,
        content: JSON.stringify({ city: 'Tokyo', temperature_c: 20, condition: 'clear' }),
      });
      const answer = await step(bound, [new HumanMessage('What is the weather in Tokyo?'), ai, tool], streaming);
      assert.match(String(answer.content), /Tokyo/);
      // A request no tool serves: the server says so in its answer and marks it (chaos_lab.unhandled on the wire).
      const raw = (await (
        await complete(lab.server, { messages: [{ role: 'user', content: 'Set an alarm for 7 am' }] })
      ).json()) as { chaos_lab?: { unhandled?: string } };
      assert.match(raw.chaos_lab?.unhandled ?? '', /./);
    });
  }
});

/**
 * The offline model inside LangChain's own agent loop (`createAgent` from langchain v1): first with
 * stand-in tools that answer canned bodies, then every shipped prompt against the real tool services
 * on port 0, through a small test-local tool set that calls each service directly (its route). Every
 * prompt must get an answer written from what the services really returned.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BUILTIN_TOOLS,
  mapToolRequest,
  SERVICE_NAMES,
  serviceForTool,
  TOOL_NAMES,
  type ToolName,
} from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { startToolService, type RunningToolService } from '@chaos-lab/tools';
import { createAgent } from 'langchain';
import { z } from 'zod';
import { cannedReply, offlineModel, shippedPrompts, type Call } from './support/offline.js';

/** Tools that run inside the agent loop: `answer` gives the body (JSON text) or throws to fail the call. */
function agentTools(answer: (call: Call) => Promise<unknown>): StructuredToolInterface[] {
  return TOOL_NAMES.map((name) =>
    tool(async (args: Record<string, unknown>) => JSON.stringify(await answer({ name, args })), {
      name,
      description: `the ${name} tool`,
      schema: z.looseObject({}),
    }),
  );
}

async function runAgent(
  prompt: string,
  tools: StructuredToolInterface[],
): Promise<{ messages: BaseMessage[]; answer: string }> {
  const agent = createAgent({ model: offlineModel(), tools });
  const { messages } = await agent.invoke({ messages: [new HumanMessage(prompt)] });
  const last = messages.at(-1);
  assert.ok(
    last !== undefined && AIMessage.isInstance(last) && (last.tool_calls?.length ?? 0) === 0,
    'the loop ends with an answer',
  );
  return { messages, answer: String(last.content) };
}

const toolMessages = (messages: BaseMessage[]): ToolMessage[] =>
  messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));

describe('offline model in createAgent', () => {
  it('runs the agent loop with real tool calls and answers from the tool messages', async () => {
    const { messages, answer } = await runAgent(
      'Calculate 1250 * 12 and send the result to Dave',
      agentTools(async (call) => {
        const reply = cannedReply(call);
        return 'body' in reply ? reply.body : Promise.reject(new Error(reply.error));
      }),
    );
    assert.deepEqual(
      toolMessages(messages).map((m) => m.name),
      ['calculate', 'send_message'],
    );
    assert.equal(answer, '1250 * 12 = 15000.\nSent to Dave: "1250 * 12 = 15000."');
  });

  it('reports a tool that throws (LangChain error tool message) and ends the loop without retrying it', async () => {
    let weatherCalls = 0;
    const { messages, answer } = await runAgent(
      "What's the weather in Paris?",
      agentTools(async () => {
        weatherCalls += 1;
        throw new Error(
          'get_weather failed: the weather service gave no result after 1 attempt through its proxy; last error: timeout after 5000 ms',
        );
      }),
    );
    assert.equal(weatherCalls, 1);
    assert.equal(toolMessages(messages)[0]?.status, 'error');
    assert.equal(
      answer,
      'I could not get the weather for Paris: the weather service gave no result after 1 attempt through its proxy; last error: timeout after 5000 ms.',
    );
  });
});

describe('offline model in createAgent against the real tool services', () => {
  const tmp = makeTempDir('offline-agent-');
  const services = new Map<string, RunningToolService>();

  before(async () => {
    const settings = testSettings(tmp.path);
    for (const name of SERVICE_NAMES) services.set(name, await startToolService(name, settings, { port: 0 }));
  });
  after(async () => {
    await Promise.all([...services.values()].map((s) => s.close()));
    tmp.cleanup();
  });

  /** The request of a tool call (common/src/builtin-tools.ts), straight to its service; non-2xx answers throw. */
  async function callService({ name, args }: Call): Promise<unknown> {
    const service = services.get(serviceForTool(name as ToolName).name);
    assert.ok(service !== undefined);
    const request = mapToolRequest(BUILTIN_TOOLS.find((t) => t.name === name)!, args, randomUUID());
    const url = new URL(`${service.url}${request.path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const response = await fetch(url, {
      method: request.method,
      headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const json = (await response.json()) as { error?: string };
    if (!response.ok)
      throw new Error(`${name} was refused by the ${service.name} service: ${json.error ?? response.status}`);
    return json;
  }

  const number = (value: unknown) => String(Number((value as number).toPrecision(12)));

  /** The fields of the service bodies that `facts` reads; each service's body has its own few. */
  interface ServiceBody {
    temperature_c: number;
    conditions: string;
    city: string;
    result: number;
    translation: string;
    event: { title: string; date: string; time: string };
    events: Array<{ title: string; time: string }>;
    deleted: number;
    message: { to: string; body: string };
    messages: Array<{ from: string; body: string }>;
    results: Array<{ title: string; name: string }>;
    total_results: number;
  }

  /**
   * What an answer must say for a service body: the figures and names the user asked for. A list inside
   * the list means "at least one of these" (an inbox read shows, or replies to, some received message).
   */
  function facts(name: string, body: ServiceBody): Array<string | string[]> {
    switch (name) {
      case 'get_weather':
        return [`${number(body.temperature_c)} °C`, body.conditions, body.city];
      case 'calculate':
        return [`= ${number(body.result)}.`];
      case 'translate':
        return [`"${body.translation}"`];
      case 'add_event':
        return [`Added "${body.event.title}" on ${body.event.date} at ${body.event.time}.`];
      case 'get_events':
        return body.events.length === 0
          ? ['nothing on your calendar']
          : body.events.map((e) => `"${e.title}" at ${e.time}`);
      case 'delete_events':
        return [body.deleted === 0 ? 'nothing to delete' : `Deleted ${body.deleted} event`];
      case 'send_message':
        return [`Sent to ${body.message.to}: "${body.message.body}`];
      case 'read_inbox':
        return [body.messages.filter((m) => m.from !== 'me').flatMap((m) => [m.from, m.body])];
      case 'search_web':
        return [body.results[0]!.title];
      case 'search_movie':
        return [body.results[0]!.name, String(body.total_results)];
      default:
        return [];
    }
  }

  it('answers every shipped prompt from the services’ real results', async () => {
    const tools = agentTools(callService);
    for (const p of shippedPrompts()) {
      const { messages, answer } = await runAgent(p.prompt, tools);
      const results = toolMessages(messages);
      assert.ok(results.length > 0, `${p.id} called a tool`);
      for (const m of results) assert.notEqual(m.status, 'error', `${p.id}: ${m.name} failed: ${String(m.content)}`);
      assert.doesNotMatch(answer, /I could not|I did not|not in a form I can read|Sorry|[{}]/, `${p.id}: ${answer}`);
      for (const m of results) {
        for (const fact of facts(m.name ?? '', JSON.parse(String(m.content)))) {
          const anyOf = typeof fact === 'string' ? [fact] : fact;
          assert.ok(
            anyOf.some((f) => answer.includes(f)),
            `${p.id}: the answer says ${anyOf.map((f) => `"${f}"`).join(' or ')}\n${answer}`,
          );
        }
      }
    }
  });

  it('gives the README prompts their expected answers', async () => {
    const tools = agentTools(callService);
    assert.equal((await runAgent('Calculate the result of 15 * 23 + 47', tools)).answer, '15 * 23 + 47 = 392.');
    assert.equal(
      (await runAgent("Translate 'Hello, how are you?' to Spanish", tools)).answer,
      '"Hello, how are you?" in Spanish is "Hola, ¿cómo estás?".',
    );
    assert.equal(
      (await runAgent("Add an event to my calendar for tomorrow at 2 PM titled 'Team Meeting'", tools)).answer,
      'Added "Team Meeting" on 2026-11-22 at 14:00.',
    );
    assert.match(
      (await runAgent("What's the weather like in New York today?", tools)).answer,
      /^It is -?\d+(?:\.\d+)? °C and [a-z ]+ in New York \(feels like -?[\d.]+ °C, humidity [\d.]+ %, wind [\d.]+ m\/s\)\.$/,
    );
    assert.match(
      (await runAgent('Search for information about chaos engineering', tools)).answer,
      /^Here is what I found for "chaos engineering":\n1\. Chaos engineering: /,
    );
    assert.match(
      (await runAgent("What's the weather in Atlantis?", tools)).answer,
      /^I could not get the weather for Atlantis: the weather service said: unknown city: Atlantis\.$/,
    );
  });
});

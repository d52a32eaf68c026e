/**
 * The Anthropic Messages API of the model server (`POST /v1/messages`, anthropic/), as Anthropic's own
 * SDK sees it, against the offline model: a tool call and the answer from its result, whole and
 * streamed (the event sequence), a bad request, and each LLM fault of the gateway in Anthropic's shape
 * (errors as the SDK's error classes, hang, the shaped answers and cut or broken streams).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Tool, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import { UNKNOWN_TOOL_NAME, type LlmFault } from '../src/index.js';
import { startTestModelServer, type TestModelServer } from './support/model-server.js';

const WEATHER: Tool = {
  name: 'get_weather',
  description: 'the weather now in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const QUESTION: MessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
const REQUEST = { model: 'claude-test', max_tokens: 512, tools: [WEATHER], messages: QUESTION };

/** The fault every request gets; set per test. */
let fault: LlmFault | undefined;
let lab: TestModelServer;
/** The SDK pointed at the model server (its base is the origin: it appends /v1/messages). */
const client = (options: { timeout?: number } = {}) =>
  new Anthropic({ apiKey: 'offline', baseURL: lab.server.baseUrl.replace(/\/v1$/, ''), maxRetries: 0, ...options });

before(async () => {
  lab = await startTestModelServer(() => fault);
});
after(async () => lab?.close());

/** The conversation after the model's tool call, with the tool's result. */
function withResult(call: ToolUseBlock, result: string, isError = false): MessageParam[] {
  return [
    ...QUESTION,
    { role: 'assistant', content: [call] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: result, is_error: isError }] },
  ];
}

describe('the Anthropic Messages API, against the offline model', () => {
  it('a whole message: a tool_use block, then the answer from its tool_result', async () => {
    fault = undefined;
    const first = await client().messages.create(REQUEST);
    assert.equal(first.type, 'message');
    assert.equal(first.stop_reason, 'tool_use');
    const call = first.content.find((b): b is ToolUseBlock => b.type === 'tool_use');
    assert.deepEqual([call?.name, call?.input], ['get_weather', { city: 'Paris' }]);
    assert.ok(first.usage.input_tokens > 0 && first.usage.output_tokens > 0);
    const second = await client().messages.create({
      ...REQUEST,
      messages: withResult(call!, JSON.stringify({ city: 'Paris', temperature_c: 18, condition: 'sunny' })),
    });
    assert.equal(second.stop_reason, 'end_turn');
    const text = second.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.match(text, /Paris/);
    assert.match(text, /18/);
  });

  it('a streamed message: the event sequence, and the SDK builds the same message from it', async () => {
    fault = undefined;
    const events: string[] = [];
    const stream = await client().messages.create({ ...REQUEST, stream: true });
    for await (const event of stream) events.push(event.type === 'content_block_delta' ? event.delta.type : event.type);
    assert.deepEqual(events, [
      'message_start',
      'content_block_start',
      'input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const message = await client().messages.stream(REQUEST).finalMessage();
    const call = message.content.find((b): b is ToolUseBlock => b.type === 'tool_use');
    assert.deepEqual([message.stop_reason, call?.name, call?.input], ['tool_use', 'get_weather', { city: 'Paris' }]);
    const answer = await client()
      .messages.stream({ ...REQUEST, messages: withResult(call!, '{"city":"Paris","temperature_c":18}') })
      .finalMessage();
    assert.match(answer.content.map((b) => (b.type === 'text' ? b.text : '')).join(''), /Paris/);
  });

  it('a failed tool (is_error): the offline model answers that it could not', async () => {
    fault = undefined;
    const first = await client().messages.create(REQUEST);
    const call = first.content.find((b): b is ToolUseBlock => b.type === 'tool_use')!;
    const answer = await client().messages.create({ ...REQUEST, messages: withResult(call, 'timed out', true) });
    const text = answer.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.doesNotMatch(text, /timed out.*°|18/);
    assert.ok(text.length > 0);
  });

  it('a prompt no tool serves: the answer carries the unhandled mark, whole and streamed', async () => {
    fault = undefined;
    const post = (stream: boolean) =>
      fetch(`${lab.server.baseUrl}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...REQUEST, stream, messages: [{ role: 'user', content: 'Set an alarm for 7 am' }] }),
      });
    const whole = (await (await post(false)).json()) as { chaos_lab?: { unhandled?: string } };
    assert.match(whole.chaos_lab?.unhandled ?? '', /./);
    const events = (await (await post(true)).text()).split('\n\n').filter((e) => e.startsWith('event: message_delta'));
    assert.equal(events.length, 1);
    assert.match(events[0]!, /"chaos_lab":\{"unhandled":"[^"]+"/);
  });

  it('a bad request is a 400 invalid_request_error naming the field', async () => {
    fault = undefined;
    const res = await fetch(`${lab.server.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-test', messages: QUESTION }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    assert.deepEqual([body.type, body.error.type], ['error', 'invalid_request_error']);
    assert.match(body.error.message, /max_tokens/);
    const unreadable = await fetch(`${lab.server.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": ',
    });
    assert.equal(unreadable.status, 400);
    assert.equal(((await unreadable.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    await assert.rejects(
      client().messages.create({
        ...REQUEST,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }],
      }),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /messages\[0\]\.content\[0\]/.test(err.message),
    );
  });
});

const errorCases: Array<[LlmFault['kind'], number, string | undefined, string | null]> = [
  ['rate_limit', 429, 'rate_limit_error', '1'],
  ['server_error', 500, 'api_error', null],
  ['bad_gateway', 502, undefined, null],
  ['unavailable', 529, 'overloaded_error', '1'],
  ['unauthorized', 401, 'authentication_error', null],
  ['context_length', 400, 'invalid_request_error', null],
];

describe('LLM faults on the Anthropic Messages API', () => {
  for (const [kind, status, type, retryAfter] of errorCases) {
    it(`${kind}: HTTP ${status}${type ? ` ${type}` : ''}, as the SDK's error`, async () => {
      fault = { kind };
      const err = await client()
        .messages.create(REQUEST)
        .then(
          () => assert.fail('no error'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof Anthropic.APIError, String(err));
      assert.equal(err.status, status);
      assert.equal(err.headers?.get('retry-after') ?? null, retryAfter);
      assert.equal(err.headers?.get('x-chaos-fault'), kind);
      assert.equal((err.error as { error?: { type?: string } } | undefined)?.error?.type, type);
    });
  }

  it('the SDK retries a 529 overloaded_error and a 429 by itself', async () => {
    let requests = 0;
    fault = undefined;
    const counted = new Anthropic({
      apiKey: 'offline',
      baseURL: lab.server.baseUrl.replace(/\/v1$/, ''),
      maxRetries: 1,
      fetch: (input, init) => {
        requests++;
        fault = requests === 1 ? { kind: 'unavailable', retry_after_s: 0 } : undefined;
        return fetch(input, init);
      },
    });
    const message = await counted.messages.create(REQUEST);
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(requests, 2);
  });

  it('hang: no answer until the client gives up', async () => {
    fault = { kind: 'hang' };
    const started = Date.now();
    await assert.rejects(client({ timeout: 300 }).messages.create(REQUEST), Anthropic.APIConnectionTimeoutError);
    assert.ok(Date.now() - started >= 290);
  });

  it('slow_first_token: the message after the delay, whole or streamed', async () => {
    fault = { kind: 'slow_first_token', first_token_delay_ms: 300 };
    let started = Date.now();
    assert.equal((await client().messages.create(REQUEST)).stop_reason, 'tool_use');
    assert.ok(Date.now() - started >= 290);
    started = Date.now();
    assert.equal((await client().messages.stream(REQUEST).finalMessage()).stop_reason, 'tool_use');
    assert.ok(Date.now() - started >= 290);
  });

  it('slow_stream: a pause between events', async () => {
    fault = { kind: 'slow_stream', chunk_delay_ms: 100 };
    const started = Date.now();
    await client().messages.stream(REQUEST).finalMessage();
    assert.ok(Date.now() - started >= 5 * 100 - 10, 'six events, five pauses');
  });

  it('stream_cut: the connection closes before message_stop, and the SDK throws', async () => {
    fault = { kind: 'stream_cut', cut_after_chunks: 2 };
    const events: string[] = [];
    await assert.rejects(async () => {
      for await (const event of await client().messages.create({ ...REQUEST, stream: true })) events.push(event.type);
    });
    // The events written before the cut may be lost with it (the client's reader is errored with them queued).
    assert.deepEqual(events, ['message_start', 'content_block_start'].slice(0, events.length));
    await assert.rejects(client().messages.create(REQUEST));
  });

  it('malformed_json: a body, or an event, that is not JSON', async () => {
    fault = { kind: 'malformed_json' };
    const res = await fetch(`${lab.server.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(REQUEST),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.throws(() => JSON.parse(text));
    await assert.rejects(client().messages.stream(REQUEST).finalMessage());
  });

  it('bad_tool_args, unknown_tool, empty_completion: the shaped message', async () => {
    fault = { kind: 'bad_tool_args' };
    const bad = await client().messages.create(REQUEST);
    const badCall = bad.content.find((b): b is ToolUseBlock => b.type === 'tool_use');
    assert.deepEqual([badCall?.name, typeof badCall?.input], ['get_weather', 'string']);
    fault = { kind: 'unknown_tool' };
    const unknown = await client().messages.create(REQUEST);
    assert.deepEqual(
      unknown.content.map((b) => (b.type === 'tool_use' ? b.name : b.type)),
      [UNKNOWN_TOOL_NAME],
    );
    fault = { kind: 'empty_completion' };
    const empty = await client().messages.stream(REQUEST).finalMessage();
    assert.deepEqual([empty.content, empty.stop_reason, empty.usage.output_tokens], [[], 'end_turn', 0]);
  });
});

/**
 * An answer (wire.ts `WireAnswer`, the offline model's or a provider's) as the Anthropic Messages API
 * writes it: a whole `message` object, or the server-sent events of a stream. Source: Anthropic's API
 * reference, "Messages" (response: content blocks text / tool_use, stop_reason, usage) and "Streaming
 * Messages" (message_start, then per block content_block_start, content_block_delta with text_delta or
 * input_json_delta, content_block_stop, then message_delta with stop_reason and usage, message_stop).
 *
 * The lab's unhandled mark rides in a `chaos_lab` field of the message (streamed: of message_delta),
 * as it does beside a chat completion's choices (unhandled.ts); the agent reads it from either.
 */
import type {
  ContentBlock,
  Message,
  RawMessageStreamEvent,
  TextBlock,
  ToolUseBlock,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import { LAB_EXTENSION_FIELD, UNHANDLED_KEY } from '../unhandled.js';
import type { WireAnswer } from '../wire.js';

/** A tool call's input: its arguments as an object, or as the text they are when not a JSON object (bad_tool_args). */
function inputOf(args: string): unknown {
  try {
    const parsed: unknown = JSON.parse(args || '{}');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: sent as the text it is, as a broken provider would.
  }
  return args;
}

/** The answer's content blocks: its text (when any), then each tool call as a tool_use block. */
function contentOf(answer: WireAnswer): ContentBlock[] {
  const text: TextBlock[] = answer.content === '' ? [] : [{ type: 'text', text: answer.content, citations: null }];
  const calls: ToolUseBlock[] = answer.toolCalls.map((c) => ({
    type: 'tool_use',
    id: c.id,
    name: c.function.name,
    input: inputOf(c.function.arguments),
    caller: { type: 'direct' },
  }));
  return [...text, ...calls];
}

function usageOf(answer: WireAnswer, outputTokens = answer.usage.completion_tokens): Usage {
  return {
    input_tokens: answer.usage.prompt_tokens,
    output_tokens: outputTokens,
    cache_creation: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: null,
  };
}

const stopReasonOf = (answer: WireAnswer) => (answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn');

/** The lab's extension field, when the answer carries the unhandled mark. */
function extension(answer: WireAnswer): Record<string, unknown> {
  return answer.unhandled ? { [LAB_EXTENSION_FIELD]: { [UNHANDLED_KEY]: answer.unhandled } } : {};
}

/** A whole `message` object. */
export function messageBody(id: string, model: string, answer: WireAnswer): Message {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: contentOf(answer),
    stop_reason: stopReasonOf(answer),
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: usageOf(answer),
    ...extension(answer),
  };
}

/**
 * The server-sent events of a streamed answer, each `event: <type>\ndata: <json>\n\n`: the text in
 * deltas of a few words, each tool call's input in one input_json_delta.
 */
export function messageEvents(id: string, model: string, answer: WireAnswer): string[] {
  const events: RawMessageStreamEvent[] = [
    {
      type: 'message_start',
      message: { ...messageBody(id, model, answer), content: [], stop_reason: null, usage: usageOf(answer, 1) },
    },
  ];
  contentOf(answer).forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, text: '' } });
      // The text in pieces of four words (each with the whitespace after it).
      const words = block.text.match(/\S+\s*|\s+/g) ?? [];
      for (let i = 0; i < words.length; i += 4)
        events.push({
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: words.slice(i, i + 4).join('') },
        });
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      const json = typeof block.input === 'string' ? block.input : JSON.stringify(block.input);
      events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } });
    }
    events.push({ type: 'content_block_stop', index });
  });
  const delta: RawMessageStreamEvent = {
    type: 'message_delta',
    delta: { stop_reason: stopReasonOf(answer), stop_sequence: null, stop_details: null, container: null },
    usage: {
      input_tokens: answer.usage.prompt_tokens,
      output_tokens: answer.usage.completion_tokens,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      output_tokens_details: null,
      server_tool_use: null,
    },
  };
  events.push({ ...delta, ...extension(answer) } as RawMessageStreamEvent, { type: 'message_stop' });
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** What malformed_json puts in place of a stream's second event: an event whose data is not JSON. */
export const BROKEN_EVENT =
  'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": {"text": "Hel\n\n';

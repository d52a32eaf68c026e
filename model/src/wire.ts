/**
 * The OpenAI chat-completions wire format, as far as the lab's model server speaks it: request
 * messages into LangChain messages for the offline model, and its AIMessage back into a completion
 * (`chat.completion`) or the chunks of a stream (`chat.completion.chunk`). Source: the OpenAI API
 * reference, "Create chat completion" and "The chat completion chunk object" (also what Groq,
 * Ollama, vLLM and llama.cpp's server speak).
 */
import { randomUUID } from 'node:crypto';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { LabError } from '@chaos-lab/common';
import { LAB_EXTENSION_FIELD, UNHANDLED_KEY } from './unhandled.js';

/** One message of a request. */
export interface WireMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | Array<{ type: string; text?: string }> | null;
  tool_calls?: Array<{ id: string; type?: 'function'; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

/** A tool call of a completion, arguments as a JSON text. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Token counts of a completion (estimated: see {@link estimateTokens}). */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What the offline model answered, in wire terms. */
export interface WireAnswer {
  content: string;
  toolCalls: WireToolCall[];
  /** What it could not do (the unhandled mark), when it could not do a part. */
  unhandled?: string;
  usage: WireUsage;
}

function textOf(content: WireMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}

/**
 * Rough token count of a text: one token per 4 characters, the rule of thumb OpenAI's tokenizer
 * guide gives for English. The offline model has no tokenizer; the figure only needs to be stable.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The request's messages as LangChain messages. A tool message whose text opens with `<tool> failed`
 * or `<tool> was refused` becomes a ToolMessage of status `error` (the status the agent gave it
 * before the HTTP hop, which the wire format has no field for).
 * @throws {LabError} `VALIDATION` for an unknown role or a tool message without its call id
 */
export function toLangChain(messages: readonly WireMessage[]): BaseMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((m, i) => {
    const text = textOf(m.content);
    switch (m.role) {
      case 'system':
      case 'developer':
        return new SystemMessage(text);
      case 'user':
        return new HumanMessage(text);
      case 'assistant': {
        const calls = (m.tool_calls ?? []).map((c) => {
          toolNames.set(c.id, c.function.name);
          let args: Record<string, unknown> = {};
          try {
            args = JSON.parse(c.function.arguments || '{}') as Record<string, unknown>;
          } catch {
            // An earlier turn's broken arguments (an injected fault) stay broken: the model sees none.
          }
          return { id: c.id, name: c.function.name, args, type: 'tool_call' as const };
        });
        return new AIMessage({ content: text, tool_calls: calls });
      }
      case 'tool': {
        if (!m.tool_call_id) throw new LabError('VALIDATION', `messages[${i}]: a tool message needs tool_call_id`);
        const name = toolNames.get(m.tool_call_id) ?? '';
        const failed = name !== '' && new RegExp(`^${name} (?:failed|was refused)`).test(text);
        return new ToolMessage({
          tool_call_id: m.tool_call_id,
          name,
          content: text,
          ...(failed ? { status: 'error' as const } : {}),
        });
      }
      default:
        throw new LabError(
          'VALIDATION',
          `messages[${i}].role "${String((m as { role: unknown }).role)}": expected system, developer, user, assistant or tool`,
        );
    }
  });
}

/** The offline model's AIMessage in wire terms, with usage estimated from the request and answer. */
export function fromLangChain(message: AIMessage, requestText: string): WireAnswer {
  const content =
    typeof message.content === 'string' ? message.content : textOf(message.content as WireMessage['content']);
  const toolCalls: WireToolCall[] = (message.tool_calls ?? []).map((c) => ({
    id: c.id ?? `call_${randomUUID().slice(0, 8)}`,
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  }));
  const unhandled = (message.response_metadata as Record<string, unknown> | undefined)?.[UNHANDLED_KEY];
  const prompt = estimateTokens(requestText);
  const completion = estimateTokens(content + toolCalls.map((c) => c.function.name + c.function.arguments).join(''));
  return {
    content,
    toolCalls,
    unhandled: typeof unhandled === 'string' ? unhandled : undefined,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** The lab's extension object of a completion: the unhandled mark, when there is one. */
function extension(answer: WireAnswer): Record<string, unknown> {
  return answer.unhandled ? { [LAB_EXTENSION_FIELD]: { [UNHANDLED_KEY]: answer.unhandled } } : {};
}

/** A whole `chat.completion` object. */
export function completionBody(
  id: string,
  model: string,
  created: number,
  answer: WireAnswer,
): Record<string, unknown> {
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.toolCalls.length > 0 && answer.content === '' ? null : answer.content,
          ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
        },
        finish_reason: answer.toolCalls.length > 0 ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: answer.usage,
    ...extension(answer),
  };
}

/**
 * The `chat.completion.chunk` objects of a streamed answer: the role, the content in pieces of a few
 * words, each tool call whole, the finish reason, then (when asked by `stream_options.include_usage`)
 * a last chunk with usage and no choices. The unhandled mark rides on the finishing chunk.
 */
export function completionChunks(
  id: string,
  model: string,
  created: number,
  answer: WireAnswer,
  includeUsage: boolean,
): Record<string, unknown>[] {
  const chunk = (
    delta: Record<string, unknown>,
    finish: string | null = null,
    extra: Record<string, unknown> = {},
  ) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    ...extra,
  });
  const chunks = [chunk({ role: 'assistant', content: '' })];
  // The content in pieces of four words (each with the whitespace after it).
  const words = answer.content.match(/\S+\s*|\s+/g) ?? [];
  for (let i = 0; i < words.length; i += 4) chunks.push(chunk({ content: words.slice(i, i + 4).join('') }));
  answer.toolCalls.forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, ...call }] }));
  });
  chunks.push(chunk({}, answer.toolCalls.length > 0 ? 'tool_calls' : 'stop', extension(answer)));
  if (includeUsage)
    chunks.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: answer.usage } as ReturnType<
      typeof chunk
    >);
  return chunks;
}

/**
 * A request of the Anthropic Messages API (`POST /v1/messages`), as far as the lab's model server
 * speaks it: checked, and its conversation turned into the offline model's LangChain messages. Source:
 * Anthropic's API reference, "Messages" (request body: model, max_tokens, system, messages whose
 * content is a text or content blocks text / tool_use / tool_result, tools with input_schema, stream).
 *
 * The conversation goes through the OpenAI wire's mapping (wire.ts `toLangChain`), so both APIs give the
 * offline model the same messages: system → a system message; a user turn's text → a human message and
 * each tool_result → a tool message (status `error` when `is_error`, or by wire.ts's rule on its text);
 * an assistant turn → one AI message with its text and tool_use calls. Thinking blocks are dropped.
 */
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import type { BaseMessage, ToolMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { LabError } from '@chaos-lab/common';
import { toLangChain, type WireMessage } from '../wire.js';

const block = z.looseObject({ type: z.string() });
const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

/** The request body the route accepts (fields it does not use pass through unchecked). */
export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  messages: z
    .array(z.looseObject({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(block)]) }))
    .min(1),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  stream: z.boolean().optional(),
});

/** A checked request. */
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

type ContentBlock = Exclude<MessageCreateParams['messages'][number]['content'], string>[number];

/** The text of a text block list (a tool_result's content, a system prompt), other blocks left out. */
function textOf(content: string | readonly { type: string; text?: unknown }[] | undefined): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

/** Blocks the offline model has no use for, dropped rather than refused. */
const DROPPED_BLOCKS = new Set(['thinking', 'redacted_thinking']);

/**
 * The request's system prompt and messages as LangChain messages for the offline model.
 * @throws {LabError} `VALIDATION` naming the block (`messages[i].content[j]`) when a block is of a type
 *   the offline model cannot read (it reads text, tool_use, tool_result; drops thinking), or a
 *   tool_result lacks its tool_use_id
 */
export function toLangChainMessages(request: MessagesRequest): BaseMessage[] {
  const wire: WireMessage[] = [];
  const failedTools = new Set<number>();
  const system = textOf(request.system);
  if (system !== '') wire.push({ role: 'system', content: system });
  request.messages.forEach((m, i) => {
    if (typeof m.content === 'string') {
      wire.push({ role: m.role, content: m.content });
      return;
    }
    let text = '';
    const calls: NonNullable<WireMessage['tool_calls']> = [];
    const flushText = () => {
      if (text !== '') wire.push({ role: 'user', content: text });
      text = '';
    };
    (m.content as unknown as ContentBlock[]).forEach((b, j) => {
      const where = `messages[${i}].content[${j}]`;
      if (b.type === 'text') text += b.text;
      else if (b.type === 'tool_use' && m.role === 'assistant')
        calls.push({
          id: b.id,
          type: 'function',
          function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
        });
      else if (b.type === 'tool_result' && m.role === 'user') {
        if (typeof b.tool_use_id !== 'string')
          throw new LabError('VALIDATION', `${where}: a tool_result needs tool_use_id`);
        flushText();
        if (b.is_error === true) failedTools.add(wire.length);
        wire.push({ role: 'tool', tool_call_id: b.tool_use_id, content: textOf(b.content) });
      } else if (!DROPPED_BLOCKS.has(b.type))
        throw new LabError(
          'VALIDATION',
          `${where}.type "${b.type}": expected text, ${m.role === 'user' ? 'tool_result' : 'tool_use or thinking'}`,
        );
    });
    if (m.role === 'assistant') wire.push({ role: 'assistant', content: text, tool_calls: calls });
    else flushText();
  });
  const messages = toLangChain(wire);
  for (const i of failedTools) (messages[i] as ToolMessage).status = 'error';
  return messages;
}

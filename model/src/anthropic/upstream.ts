/**
 * The Anthropic Messages API at the upstream (`<MODEL_UPSTREAM_URL>/messages`, e.g.
 * `https://api.anthropic.com/v1/messages`): the whole answer a fault shapes, as a wire answer.
 * Forwarding without a fault is upstream.ts `forward`, as for the OpenAI API.
 */
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { Request } from 'express';
import { askWhole, type Upstream, type UpstreamAnswer } from '../upstream.js';

/**
 * Asks the provider for the whole message (`stream` false), for a fault to shape: its text blocks
 * joined, its tool_use blocks as tool calls (other blocks, such as thinking, are not kept).
 * @throws when the provider cannot be reached (the caller answers 502)
 */
export async function wholeMessage(
  upstream: Upstream,
  req: Request,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<UpstreamAnswer> {
  const whole = await askWhole(upstream, '/messages', req, body, signal);
  if (!('json' in whole)) return whole;
  const message = whole.json as Partial<Message>;
  const content = message.content ?? [];
  const prompt = message.usage?.input_tokens ?? 0;
  const out = message.usage?.output_tokens ?? 0;
  return {
    answer: {
      content: content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
      toolCalls: content.flatMap((b) =>
        b.type === 'tool_use'
          ? [{ id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input) } }]
          : [],
      ),
      usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out },
    },
  };
}

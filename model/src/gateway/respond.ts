/**
 * Writes an answer to the client, whole (`application/json`) or streamed (server-sent events; for the
 * OpenAI API `data: <chunk>\n\n` … `data: [DONE]\n\n`), with the response-shaping LLM faults applied
 * on the way: slow_first_token, slow_stream, stream_cut and malformed_json ({@link deliver}, shared with
 * the Anthropic Messages API of `model/src/anthropic/`); and the answer-shaping ones before it:
 * bad_tool_args, unknown_tool and empty_completion ({@link shapeAnswer}, on the API-neutral answer).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Response } from 'express';
import { completionBody, completionChunks, type WireAnswer } from '../wire.js';
import { UNKNOWN_TOOL_NAME, type LlmFault } from './faults.js';

/** The answer as the answer-shaping fault makes it (the answer itself when `fault` is another kind). */
export function shapeAnswer(answer: WireAnswer, fault: LlmFault | undefined, offered: readonly string[]): WireAnswer {
  if (!fault) return answer;
  const call = (name: string, args: string) => ({
    ...answer,
    content: '',
    unhandled: undefined,
    toolCalls: [{ id: 'call_injected', type: 'function' as const, function: { name, arguments: args } }],
  });
  switch (fault.kind) {
    case 'bad_tool_args':
      // The model's own call when it made one, else one of the offered tools: arguments cut mid-string.
      return call(answer.toolCalls[0]?.function.name ?? offered[0] ?? 'search_web', '{"query": "unterminated');
    case 'unknown_tool':
      return call(UNKNOWN_TOOL_NAME, '{}');
    case 'empty_completion':
      return {
        ...answer,
        content: '',
        unhandled: undefined,
        toolCalls: [],
        usage: { ...answer.usage, completion_tokens: 0, total_tokens: answer.usage.prompt_tokens },
      };
    default:
      return answer;
  }
}

/** How to write the answer. */
export interface WriteOptions {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly fault: LlmFault | undefined;
  /** Ends the waits when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * Writes `answer` as an OpenAI completion. Resolves when the response has ended (or was cut); a client
 * gone mid-wait ends it quietly.
 */
export function writeAnswer(res: Response, answer: WireAnswer, o: WriteOptions): Promise<void> {
  const body: Body = o.stream
    ? {
        events: [
          ...completionChunks(o.id, o.model, o.created, answer, o.includeUsage).map(
            (c) => `data: ${JSON.stringify(c)}\n\n`,
          ),
          'data: [DONE]\n\n',
        ],
        brokenEvent: 'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"content": "Hel\n\n',
      }
    : { whole: JSON.stringify(completionBody(o.id, o.model, o.created, answer)) };
  return deliver(res, body, o.fault, o.signal);
}

/**
 * A response body to deliver: a whole JSON text, or the server-sent events of a stream with the event
 * malformed_json puts in place of the second one (an event whose data is not JSON).
 */
export type Body = { readonly whole: string } | { readonly events: readonly string[]; readonly brokenEvent: string };

/**
 * Delivers `body` with the response-shaping fault applied (slow_first_token, slow_stream, stream_cut,
 * malformed_json), the same for every API. Resolves when the response has ended (or was cut); a
 * client gone mid-wait (`signal`) ends it quietly.
 */
export async function deliver(
  res: Response,
  body: Body,
  fault: LlmFault | undefined,
  signal: AbortSignal,
): Promise<void> {
  const kind = fault?.kind;
  const wait = (ms: number) =>
    delay(ms, undefined, { signal }).then(
      () => true,
      () => false,
    );
  if (kind === 'slow_first_token' && !(await wait(fault?.first_token_delay_ms ?? 2000))) return;
  const pauseMs = kind === 'slow_stream' ? (fault?.chunk_delay_ms ?? 500) : 0;
  const cutAfter = kind === 'stream_cut' ? (fault?.cut_after_chunks ?? 2) : Infinity;
  const stream = 'events' in body;
  // Each piece of the response: SSE events when streaming, else the JSON body in a few slices.
  const pieces = stream ? [...body.events] : slices(body.whole, pauseMs > 0 || cutAfter < Infinity ? 4 : 1);
  if (kind === 'malformed_json') {
    if (stream) pieces[1] = body.brokenEvent;
    else pieces.splice(0, pieces.length, pieces.join('').slice(0, 40));
  }
  res.status(200).setHeader('Content-Type', stream ? 'text/event-stream' : 'application/json');
  if (stream) res.setHeader('Cache-Control', 'no-cache');
  res.flushHeaders();
  for (const [i, piece] of pieces.entries()) {
    if (i >= cutAfter) {
      // Cut as a dying upstream does: the connection closes with the response unfinished.
      res.destroy();
      return;
    }
    if (i > 0 && pauseMs > 0 && !(await wait(pauseMs))) return;
    res.write(piece);
  }
  res.end();
}

/** `text` in `n` slices of about equal length. */
function slices(text: string, n: number): string[] {
  const size = Math.ceil(text.length / n);
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size)).filter((s) => s !== '');
}

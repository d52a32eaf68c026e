/**
 * Reads a model API response on its way to the model client without holding it up: when its first
 * byte came, and, once it has all come, its token counts (`usage`), the lab's unhandled mark
 * (`chaos_lab.unhandled`) and whether it could be read at all. Works on a whole JSON body and on a
 * stream of server-sent events (`data: {chunk}` … `data: [DONE]`, the OpenAI streaming format).
 */

/** What one response showed. */
export interface BodyMeasure {
  /** When the first body byte arrived, ms since the epoch (undefined: none did). */
  readonly firstByteAt?: number;
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  /** The lab's unhandled mark, when the answer carried one. */
  readonly unhandled?: string;
  /** A 2xx body that is not a completion (not JSON, or a stream chunk that is not). */
  readonly malformed: boolean;
  /** What ended the body early (a cut connection, a timeout, a cancel), when it did not end well. */
  readonly failure?: unknown;
  /** The failure's message. */
  readonly error?: string;
}

/** Bodies longer than this are passed on but not read for usage (a completion is far smaller). */
const READ_LIMIT_BYTES = 4 * 1024 * 1024;

/** An OpenAI completion (or chunk), or an Anthropic message (or stream event: `message_start` holds the message, `message_delta` its final usage). */
interface Completionish {
  usage?: { prompt_tokens?: number; completion_tokens?: number; input_tokens?: number; output_tokens?: number } | null;
  message?: { usage?: { input_tokens?: number; output_tokens?: number } };
  chaos_lab?: { unhandled?: unknown };
}

/** Usage and the unhandled mark of the completion objects of a body. */
function readObjects(objects: Completionish[]): Pick<BodyMeasure, 'tokensIn' | 'tokensOut' | 'unhandled'> {
  let out: { tokensIn?: number; tokensOut?: number; unhandled?: string } = {};
  for (const o of objects) {
    if (o.usage)
      out = {
        ...out,
        tokensIn: o.usage.prompt_tokens ?? o.usage.input_tokens ?? out.tokensIn,
        tokensOut: o.usage.completion_tokens ?? o.usage.output_tokens ?? out.tokensOut,
      };
    if (o.message?.usage)
      out = {
        ...out,
        tokensIn: o.message.usage.input_tokens ?? out.tokensIn,
        tokensOut: o.message.usage.output_tokens ?? out.tokensOut,
      };
    if (typeof o.chaos_lab?.unhandled === 'string') out.unhandled = o.chaos_lab.unhandled;
  }
  return out;
}

/** Parses a whole body: JSON, or SSE events. Throws when any part is not JSON. */
function parseBody(text: string, sse: boolean): Completionish[] {
  if (!sse) return [JSON.parse(text) as Completionish];
  return text
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim())
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as Completionish);
}

/**
 * A response with the same status, headers and body as `response`, whose body is measured as it is read.
 * @param now the clock, ms since the epoch
 * @param done called once, when the body has ended, failed, or been cancelled by the reader
 */
export function measureBody(response: Response, now: () => number, done: (m: BodyMeasure) => void): Response {
  if (!response.body) {
    done({ malformed: response.ok });
    return response;
  }
  const sse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  let firstByteAt: number | undefined;
  let ended = false;
  const end = (m: Omit<BodyMeasure, 'firstByteAt'>) => {
    if (ended) return;
    ended = true;
    done({ ...m, firstByteAt });
  };
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: finished, value } = await reader.read();
        if (finished) {
          controller.close();
          if (!response.ok || bytes > READ_LIMIT_BYTES) return end({ malformed: false });
          try {
            end({ ...readObjects(parseBody(text + decoder.decode(), sse)), malformed: false });
          } catch {
            end({ malformed: true });
          }
          return;
        }
        firstByteAt ??= now();
        bytes += value.byteLength;
        if (bytes <= READ_LIMIT_BYTES) text += decoder.decode(value, { stream: true });
        controller.enqueue(value);
      } catch (err) {
        end({ malformed: false, failure: err, error: (err as Error).message });
        controller.error(err);
      }
    },
    cancel(reason) {
      end({ malformed: false, failure: reason, error: 'the model client stopped reading the response' });
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

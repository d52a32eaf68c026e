/**
 * Forwarding to a hosted model API (`MODEL_UPSTREAM_URL`, an OpenAI-compatible base such as
 * `https://api.groq.com/openai/v1`) over HTTPS with undici, so the gateway's LLM faults and the
 * agent's model_calls record reach a real provider too:
 *
 *   no fault, or one the gateway answers alone (errors, hang) → the request as the client sent it,
 *     its answer piped back as it comes (status, body, streamed chunks; `Retry-After` and rate-limit
 *     headers kept)
 *   a fault that shapes the answer or its delivery → the provider is asked for the whole answer
 *     (`stream: false`), which the gateway shapes and writes, whole or streamed, as it writes the
 *     offline model's (respond.ts)
 *
 * The client's `Authorization` header goes to the provider and nowhere else: it is never logged nor
 * recorded. TLS is verified against Node's CA store (plus `NODE_EXTRA_CA_CERTS`), or against the CA
 * the caller gives (a local server with its own certificate); verification is never turned off.
 */
import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { WireAnswer, WireToolCall } from './wire.js';

/** Where and how to reach the provider. */
export interface Upstream {
  /** The OpenAI-compatible base, without a trailing slash, e.g. `https://api.groq.com/openai/v1`. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
}

/** Request headers passed on: the key, and what describes the body. */
const FORWARDED_REQUEST = ['authorization', 'content-type', 'accept', 'openai-organization', 'openai-project'];
/** Response headers not passed back: hop-by-hop, and the framing of a body undici has already decoded. */
const DROPPED_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
]);

/**
 * The upstream of `baseUrl`.
 * @param options `caPem`: trust this CA (PEM) for the provider's certificate instead of Node's store
 */
export function createUpstream(baseUrl: string, options: { caPem?: string } = {}): Upstream {
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    dispatcher: new Agent(options.caPem ? { connect: { ca: options.caPem } } : {}),
  };
}

/** The provider's answer to a request, unread. */
async function send(upstream: Upstream, path: string, req: Request, body: unknown, signal: AbortSignal) {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST) {
    const value = req.get(name);
    if (value !== undefined) headers[name] = value;
  }
  return fetch(`${upstream.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: upstream.dispatcher,
    signal,
  });
}

/**
 * Forwards the request and pipes the provider's answer back as it comes (streamed chunks included).
 * Resolves when the answer has ended or the client went away; a provider that cannot be reached is a
 * 502 in the OpenAI error shape.
 * @param path below the base, e.g. `/chat/completions`
 * @param body the parsed JSON body (undefined for a GET)
 */
export async function forward(
  upstream: Upstream,
  path: string,
  req: Request,
  res: Response,
  body: unknown,
  signal: AbortSignal,
): Promise<void> {
  let answer: Awaited<ReturnType<typeof send>>;
  try {
    answer = await send(upstream, path, req, body, signal);
  } catch (err) {
    if (signal.aborted) return;
    res.status(502).json({
      error: {
        message: `the model gateway could not reach ${upstream.baseUrl}: ${(err as Error).message}`,
        type: 'upstream_error',
        param: null,
        code: null,
      },
    });
    return;
  }
  res.status(answer.status);
  answer.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE.has(name)) res.setHeader(name, value);
  });
  if (!answer.body) return void res.end();
  res.flushHeaders();
  await new Promise<void>((resolve) => {
    const stream = Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', resolve);
    stream.pipe(res);
  });
}

/** An answer the provider gave whole: its completion as a wire answer, or its own (error) answer to pass on. */
export type UpstreamAnswer =
  | { readonly answer: WireAnswer }
  | { readonly status: number; readonly contentType: string; readonly text: string };

/**
 * Asks the provider for the whole answer (`stream: false`), for a fault to shape.
 * @throws when the provider cannot be reached (the caller answers 502)
 */
export async function wholeAnswer(
  upstream: Upstream,
  req: Request,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<UpstreamAnswer> {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  const answer = await send(upstream, '/chat/completions', req, { ...rest, stream: false }, signal);
  const text = await answer.text();
  if (!answer.ok)
    return { status: answer.status, contentType: answer.headers.get('content-type') ?? 'application/json', text };
  const completion = JSON.parse(text) as {
    choices?: { message?: { content?: string | null; tool_calls?: WireToolCall[] } }[];
    usage?: Partial<WireAnswer['usage']>;
  };
  const message = completion.choices?.[0]?.message ?? {};
  const prompt = completion.usage?.prompt_tokens ?? 0;
  const out = completion.usage?.completion_tokens ?? 0;
  return {
    answer: {
      content: message.content ?? '',
      toolCalls: message.tool_calls ?? [],
      usage: { prompt_tokens: prompt, completion_tokens: out, total_tokens: prompt + out },
    },
  };
}

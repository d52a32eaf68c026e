/**
 * Forwarding to a hosted model API (`MODEL_UPSTREAM_URL`, the provider's `/v1` base such as
 * `https://api.groq.com/openai/v1` or `https://api.anthropic.com/v1`) over HTTPS with undici, so the
 * gateway's LLM faults and the agent's model_calls record reach a real provider too. The gateway's
 * `/v1/<path>` goes to `<base>/<path>`: `/v1/chat/completions` (the OpenAI API) and `/v1/messages`
 * (the Anthropic Messages API, `model/src/anthropic/upstream.ts`), whichever the provider speaks:
 *
 *   no fault, or one the gateway answers alone (errors, hang) → the request as the client sent it,
 *     its answer piped back as it comes (status, body, streamed chunks; `Retry-After` and rate-limit
 *     headers kept)
 *   a fault that shapes the answer or its delivery → the provider is asked for the whole answer
 *     (`stream: false`), which the gateway shapes and writes, whole or streamed, as it writes the
 *     offline model's (respond.ts)
 *
 * The client's key (`Authorization`, or Anthropic's `x-api-key`) goes to the provider and nowhere
 * else: it is never logged nor recorded. TLS is verified against Node's CA store (plus `NODE_EXTRA_CA_CERTS`), or against the CA
 * the caller gives (a local server with its own certificate); verification is never turned off.
 */
import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { WireAnswer, WireToolCall } from './wire.js';

/** Where and how to reach the provider. */
export interface Upstream {
  /** The provider's `/v1` base, without a trailing slash, e.g. `https://api.groq.com/openai/v1`. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
}

/** Request headers passed on: the key, what describes the body, and the API's version and options. */
const FORWARDED_REQUEST = [
  'authorization',
  'content-type',
  'accept',
  'openai-organization',
  'openai-project',
  'x-api-key',
  'anthropic-version',
  'anthropic-beta',
];
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

/** Writes the gateway's own 502 when the provider cannot be reached, in the API's error shape. */
export type UnreachableAnswer = (res: Response, message: string) => void;

/** The OpenAI API's shape of {@link UnreachableAnswer}. */
export const openAiUnreachable: UnreachableAnswer = (res, message) =>
  void res.status(502).json({ error: { message, type: 'upstream_error', param: null, code: null } });

/** What the 502 says when the provider cannot be reached. */
export function unreachableMessage(upstream: Upstream, err: unknown): string {
  return `the model gateway could not reach ${upstream.baseUrl}: ${(err as Error).message}`;
}

/**
 * Forwards the request and pipes the provider's answer back as it comes (streamed chunks included).
 * Resolves when the answer has ended or the client went away; a provider that cannot be reached is a
 * 502 written by `unreachable`.
 * @param path below the base, e.g. `/chat/completions`
 * @param body the parsed JSON body (undefined for a GET)
 * @param unreachable the API's 502 (default: the OpenAI API's)
 */
export async function forward(
  upstream: Upstream,
  path: string,
  req: Request,
  res: Response,
  body: unknown,
  signal: AbortSignal,
  unreachable: UnreachableAnswer = openAiUnreachable,
): Promise<void> {
  let answer: Awaited<ReturnType<typeof send>>;
  try {
    answer = await send(upstream, path, req, body, signal);
  } catch (err) {
    if (signal.aborted) return;
    return unreachable(res, unreachableMessage(upstream, err));
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

/** The provider's own (error) answer, passed on as it came. */
export interface PassedAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** An answer the provider gave whole: its completion as a wire answer, or its own (error) answer to pass on. */
export type UpstreamAnswer = { readonly answer: WireAnswer } | PassedAnswer;

/**
 * Asks the provider for the whole answer of `body` at `path` (`stream` false): its JSON when it
 * answered 2xx, else its answer to pass on.
 * @throws when the provider cannot be reached (the caller answers 502), or its 2xx body is not JSON
 */
export async function askWhole(
  upstream: Upstream,
  path: string,
  req: Request,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<{ readonly json: unknown } | PassedAnswer> {
  const answer = await send(upstream, path, req, { ...body, stream: false }, signal);
  const text = await answer.text();
  if (!answer.ok)
    return { status: answer.status, contentType: answer.headers.get('content-type') ?? 'application/json', text };
  return { json: JSON.parse(text) as unknown };
}

/**
 * Asks the OpenAI-compatible provider for the whole completion, for a fault to shape.
 * @throws when the provider cannot be reached (the caller answers 502)
 */
export async function wholeAnswer(
  upstream: Upstream,
  req: Request,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<UpstreamAnswer> {
  const { stream: _stream, stream_options: _options, ...rest } = body;
  const whole = await askWhole(upstream, '/chat/completions', req, rest, signal);
  if (!('json' in whole)) return whole;
  const completion = whole.json as {
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

/**
 * One HTTP attempt at a tool service (TOOL_API.md), with a deadline, classified by what the network
 * did: the outcome vocabulary of `tool_calls.outcome` (DESIGN.md "State").
 *
 *   agent ──HTTP──▶ proxy (TOXIPROXY_HOST:proxy port) ──▶ tool service      via = proxy
 *   agent ──HTTP──────────────────────────────────────▶ tool service      via = direct (fallback)
 *
 * An attempt never throws: every way it can end is an {@link AttemptResult}, so the caller decides
 * what to retry from one classified value.
 */
import { performance } from 'node:perf_hooks';
import { type Endpoint, formatEndpoint } from '@chaos-lab/common';
import { type Dispatcher, request } from 'undici';

/** How one attempt ended (the `tool_calls.outcome` column). */
export type AttemptOutcome = 'ok' | 'http_error' | 'timeout' | 'connection_error' | 'reset';

/** An HTTP request to a tool service, before it is addressed to the proxy or the service. */
export interface ServiceRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path without query, e.g. `/weather`. */
  readonly path: string;
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON body (POST). */
  readonly body?: unknown;
}

/** What one attempt gave. */
export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  /** The response status, when a response arrived. */
  readonly httpStatus: number | null;
  /** The response body: parsed JSON, or the text when it is not JSON; null without a response. */
  readonly body: unknown;
  /** Why it failed (null when `ok`). */
  readonly error: string | null;
  /** Wall time of the attempt, ms (fractional). */
  readonly durationMs: number;
}

/** Error codes of Node sockets and undici, by the outcome they mean. */
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

/** Builds the URL of a request at an endpoint. */
function requestUrl(endpoint: Endpoint, req: ServiceRequest): string {
  const url = new URL(`http://${formatEndpoint(endpoint)}${req.path}`);
  for (const [key, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** The first `code` along an error's cause chain. */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends one request and classifies how it ended.
 *
 * Outcomes: `ok` for a 2xx; `http_error` for any other status (the body is kept: a 4xx is an answer
 * the model should read); `timeout` when `timeoutMs` passed first (connect, headers or body) or the
 * caller's `signal` aborted (the error then says "cancelled"); `connection_error` when no connection
 * could be made (refused, unknown host, unreachable); `reset` when the connection broke after it was
 * made (reset, closed early). The deadline covers the whole exchange, body included.
 *
 * @param endpoint where to send (the proxy's or the service's host:port)
 * @param req the request
 * @param options `timeoutMs` deadline; `signal` to cancel (the prompt's deadline or the run's
 *   interruption); `dispatcher` the undici connection pool to use (default: undici's global one)
 * @returns the classified result; never throws
 */
export async function sendAttempt(
  endpoint: Endpoint,
  req: ServiceRequest,
  options: { timeoutMs: number; signal?: AbortSignal; dispatcher?: Dispatcher },
): Promise<AttemptResult> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const elapsed = () => performance.now() - started;
  try {
    const res = await request(requestUrl(endpoint, req), {
      method: req.method,
      signal,
      dispatcher: options.dispatcher,
      headers: req.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    const body = parseBody(await res.body.text());
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const message = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : undefined;
    return {
      outcome: ok ? 'ok' : 'http_error',
      httpStatus: res.statusCode,
      body,
      error: ok ? null : `HTTP ${res.statusCode}${message ? `: ${message}` : ''}`,
      durationMs: elapsed(),
    };
  } catch (err) {
    const durationMs = elapsed();
    if (deadline.aborted) return { outcome: 'timeout', httpStatus: null, body: null, error: `no answer within ${options.timeoutMs} ms`, durationMs };
    if (options.signal?.aborted) return { outcome: 'timeout', httpStatus: null, body: null, error: `cancelled: ${abortReason(options.signal)}`, durationMs };
    const code = errorCode(err);
    const detail = `${code ? `${code}: ` : ''}${(err as Error).message}`;
    const outcome: AttemptOutcome = code && TIMEOUT_CODES.has(code) ? 'timeout' : code && RESET_CODES.has(code) ? 'reset' : 'connection_error';
    return { outcome, httpStatus: null, body: null, error: detail, durationMs };
  }
}

/** A readable reason of an aborted signal. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * One HTTP attempt at a tool service (its routes: tool-specs.ts), with a deadline, classified by what the client
 * saw: the outcome vocabulary of `tool_calls.outcome` (docs/record.md).
 *
 *   agent ──HTTP──▶ proxy (TOXIPROXY_HOST:proxy port) ──▶ tool service      via = proxy
 *   agent ──HTTP──────────────────────────────────────▶ tool service      via = direct (fallback)
 *
 * | outcome            | what the client saw                                                        |
 * |--------------------|----------------------------------------------------------------------------|
 * | `ok`               | a complete 2xx answer                                                      |
 * | `http_error`       | a complete answer with any other status                                    |
 * | `closed`           | the peer closed the connection (FIN) before the answer was complete: no    |
 * |                    | headers at all, or headers and a body cut short (undici "other side closed") |
 * | `reset`            | the connection was reset (ECONNRESET: a TCP RST; EPIPE, ECONNABORTED)      |
 * | `timeout`          | the attempt's own deadline passed first                                    |
 * | `cancelled`        | the caller's signal (the prompt's deadline, the run's interruption) fired  |
 * | `connection_error` | no connection could be made (refused, unknown host, unreachable)           |
 *
 * Each attempt carries its own request id in `X-Request-Id` (the tool services log it on the access
 * log line), and the answer says whether the service marked it as a simulated fault
 * (`X-Chaos-Fault: simulated`, or `"simulated": true` in the JSON body) and what its `Retry-After`
 * asked for. An attempt never throws: every way it can end is an {@link AttemptResult}, so the caller
 * decides what to retry from one classified value.
 */
import { performance } from 'node:perf_hooks';
import { ANNOUNCED_HEADER, type Endpoint, formatEndpoint } from '@chaos-lab/common';
import { type Dispatcher, request } from 'undici';
import { parseRetryAfterMs } from './retry-wait.js';

/** How one attempt ended (the `tool_calls.outcome` column; see the table in the file comment). */
export type AttemptOutcome = 'ok' | 'http_error' | 'closed' | 'reset' | 'timeout' | 'cancelled' | 'connection_error';

/** The response header a tool service sets on an answer it failed on purpose (`ERROR_PROB`). */
export const FAULT_HEADER = 'x-chaos-fault';

/** The value of {@link FAULT_HEADER} on a simulated fault. */
export const SIMULATED_FAULT = 'simulated';

/** An HTTP request to a tool service, before it is addressed to the proxy or the service. */
export interface ServiceRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path without query, e.g. `/weather`. */
  readonly path: string;
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON body (POST). */
  readonly body?: unknown;
  /** More request headers (an MCP call's `accept` and session headers: mcp-call.ts). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one attempt gave. */
export interface AttemptResult {
  readonly outcome: AttemptOutcome;
  /** The response status, when response headers arrived (also for `closed` mid-body). */
  readonly httpStatus: number | null;
  /** The response body: parsed JSON, or the text when it is not JSON; null without a complete response. */
  readonly body: unknown;
  /** Why it failed (null when `ok`). */
  readonly error: string | null;
  /** Wall time of the attempt, ms (fractional). */
  readonly durationMs: number;
  /** True when the service marked the answer as a simulated fault. */
  readonly simulated: boolean;
  /** The answer's `Retry-After`, ms from now (0 for a date in the past); null without a valid one. */
  readonly retryAfterMs: number | null;
}

/** Error codes of Node sockets and undici, by the outcome they mean. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/** undici's error for a socket that ended or closed under a request ("other side closed", "closed"). */
const CLOSED_CODE = 'UND_ERR_SOCKET';

/** Builds the URL of a request at an endpoint. */
function requestUrl(endpoint: Endpoint, req: ServiceRequest): string {
  const url = new URL(`http://${formatEndpoint(endpoint)}${req.path}`);
  for (const [key, value] of Object.entries(req.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** Every `code` along an error's cause chain, outermost first (at most 5 levels). */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

/** The outcome of a request that threw, from its error codes (the signals were checked before). */
function thrownOutcome(codes: readonly string[]): AttemptOutcome {
  // A reset anywhere in the chain wins: undici may wrap the socket's ECONNRESET in its own error.
  if (codes.some((c) => RESET_CODES.has(c))) return 'reset';
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return 'timeout';
  if (codes.includes(CLOSED_CODE)) return 'closed';
  return 'connection_error';
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** True when an answer is marked as a simulated fault, by its header or its JSON body. */
function isSimulated(headers: Record<string, string | string[] | undefined>, body: unknown): boolean {
  if (headerValue(headers[FAULT_HEADER])?.trim().toLowerCase() === SIMULATED_FAULT) return true;
  return typeof body === 'object' && body !== null && (body as { simulated?: unknown }).simulated === true;
}

/**
 * Sends one request and classifies how it ended (see the table in the file comment). The deadline
 * covers the whole exchange, body included; a 4xx body is kept, as it is an answer the model should read.
 *
 * @param endpoint where to send (the proxy's or the service's host:port)
 * @param req the request
 * @param options `timeoutMs` the attempt's deadline; `signal` to cancel (the prompt's deadline or the
 *   run's interruption); `attemptId` sent as `X-Request-Id`; `dispatcher` the undici connection pool
 *   (default: undici's global one); `now` the clock for a `Retry-After` date (ms since the epoch)
 * @returns the classified result; never throws
 */
export async function sendAttempt(
  endpoint: Endpoint,
  req: ServiceRequest,
  options: { timeoutMs: number; signal?: AbortSignal; attemptId?: string; dispatcher?: Dispatcher; now?: () => number },
): Promise<AttemptResult> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const elapsed = () => performance.now() - started;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (options.attemptId !== undefined) {
    headers['x-request-id'] = options.attemptId;
    // The lab's own agent announces its attempts (fault-hook.ts): the service must not announce it again.
    headers[ANNOUNCED_HEADER] = '1';
  }
  let httpStatus: number | null = null;
  let retryAfterMs: number | null = null;
  let simulatedHeader = false;
  try {
    const res = await request(requestUrl(endpoint, req), {
      method: req.method,
      signal,
      dispatcher: options.dispatcher,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
    httpStatus = res.statusCode;
    retryAfterMs = parseRetryAfterMs(headerValue(res.headers['retry-after']), (options.now ?? Date.now)());
    simulatedHeader = isSimulated(res.headers, null);
    const body = parseBody(await res.body.text());
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    const message =
      typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : undefined;
    return {
      outcome: ok ? 'ok' : 'http_error',
      httpStatus,
      body,
      error: ok ? null : `HTTP ${res.statusCode}${message ? `: ${message}` : ''}`,
      durationMs: elapsed(),
      simulated: simulatedHeader || isSimulated({}, body),
      retryAfterMs,
    };
  } catch (err) {
    const failed = (outcome: AttemptOutcome, error: string): AttemptResult => ({
      outcome,
      httpStatus,
      body: null,
      error,
      durationMs: elapsed(),
      simulated: simulatedHeader,
      retryAfterMs,
    });
    const afterHeaders = httpStatus === null ? '' : ` after the headers of HTTP ${httpStatus}`;
    if (deadline.aborted) return failed('timeout', `no answer within ${options.timeoutMs} ms${afterHeaders}`);
    if (options.signal?.aborted) return failed('cancelled', `cancelled: ${abortReason(options.signal)}`);
    const codes = errorCodes(err);
    const outcome = thrownOutcome(codes);
    const detail = `${codes[0] ? `${codes[0]}: ` : ''}${(err as Error).message}`;
    return failed(
      outcome,
      outcome === 'closed'
        ? `connection closed without a complete answer${afterHeaders} (${detail})`
        : `${detail}${afterHeaders}`,
    );
  }
}

/** A readable reason of an aborted signal. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

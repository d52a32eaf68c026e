/**
 * One logical tool call, made resilient: attempts through the service's proxy, then one fallback
 * straight to the service, with a careful client's waits between them.
 *
 *   attempt 1            ──▶ proxy   (PROXY_TIMEOUT_MS)
 *   wait retry 1         backoff with full jitter, or the server's Retry-After (see retry-wait.ts)
 *   attempt 2..TOOL_LIMIT ─▶ proxy   (PROXY_TIMEOUT_MS each)    retried on timeout, closed, reset or
 *                                                               refused connection, a 5xx or a 429
 *   wait retry TOOL_LIMIT  (the same rule)
 *   attempt TOOL_LIMIT + 1 ▶ direct  (FALLBACK_TIMEOUT_MS)      only when FALLBACK=on and every
 *                                                               proxy attempt failed that way
 *
 * This attempt loop is the agent's only retry mechanism for tool calls (no LangChain retry middleware
 * on top): the attempts and the fallback share one `request_id` (the idempotency key) and go to
 * different endpoints, which a loop over one request states directly. Each attempt also gets its own
 * request id, `<callId>#<attempt>`, sent as `X-Request-Id`, so the service's access log line joins to
 * the attempt's `tool_calls` row. Any other status (2xx, 4xx but 429) is an answer and ends the call:
 * a 4xx tells the model its arguments were wrong, and asking again would not change that. Once the
 * signal fires (the prompt's deadline, the run's interruption) no wait goes on and no attempt starts.
 */
import type { Endpoint, Settings } from '@chaos-lab/common';
import type { Dispatcher } from 'undici';
import { type BackoffPolicy, RETRY_AFTER_STATUSES, pause, retryWaitMs } from './retry-wait.js';
import { type AttemptOutcome, type AttemptResult, type ServiceRequest, sendAttempt } from './service-http.js';
import type { ReportAttemptEnd } from './fault-hook.js';

/** How tool calls are attempted: the tool call settings (docs/settings.md). */
export interface ToolCallPolicy extends BackoffPolicy {
  /** Attempts through the proxy, in all (`TOOL_LIMIT`, ≥ 1). */
  readonly toolLimit: number;
  /** Deadline of one proxy attempt, ms (`PROXY_TIMEOUT_MS`). */
  readonly proxyTimeoutMs: number;
  /** Whether one direct call follows failed proxy attempts (`FALLBACK=on`). */
  readonly fallback: boolean;
  /** Deadline of the direct fallback, ms (`FALLBACK_TIMEOUT_MS`). */
  readonly fallbackTimeoutMs: number;
  /** The backoff's jitter source: one float in [0, 1) per wait (seeded from `CHAOS_SEED` in a run). */
  readonly jitter: () => number;
  /**
   * How a write's `request_id` (its idempotency key) is chosen across retries (`IDEMPOTENCY_KEYS`):
   * `per-call` (default) and `per-write` send the call's one key with every attempt, so the service
   * applies the write once (idempotency-key.ts makes that key); `per-attempt` sends each attempt's own
   * id, so a retry after a lost response writes again.
   */
  readonly idempotencyKeys?: Settings['IDEMPOTENCY_KEYS'];
}

/** One attempt as recorded (a `tool_calls` row, without the run and prompt columns). */
export interface ToolAttempt {
  /** 1-based; the fallback is `toolLimit + 1`. */
  readonly attempt: number;
  readonly via: 'proxy' | 'direct';
  readonly outcome: AttemptOutcome;
  readonly httpStatus: number | null;
  /** When the attempt started (after its wait), ms since the epoch. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly error: string | null;
  /** The attempt's own request id (sent as `X-Request-Id`, written in the service's access log). */
  readonly attemptId?: string;
  /** True when the service marked its answer as a simulated error (`ERROR_PROB`). */
  readonly simulated?: boolean;
  /** Backoff waited before this attempt started, ms (0 for the first). */
  readonly waitMs?: number;
  /** The server's `Retry-After`, ms, when its answer carried one. */
  readonly retryAfterMs?: number | null;
}

/** Why a tool call ended without a result: `network` (timeout, closed, reset, refused) or `server` (5xx, 429). */
export type ToolFailureType = 'network' | 'server';

/** How a logical tool call ended. */
export type ToolCallResult =
  | { readonly kind: 'result'; readonly final: AttemptResult; readonly attempts: number }
  | {
      readonly kind: 'no_result';
      readonly final: AttemptResult;
      readonly attempts: number;
      readonly failureType: ToolFailureType;
    };

/** True when an attempt is an answer that ends the call: a 2xx, or a status other than 5xx and 429. */
function isAnswer(result: AttemptResult): boolean {
  if (result.outcome === 'ok') return true;
  if (result.outcome !== 'http_error' || result.httpStatus === null) return false;
  return result.httpStatus < 500 && result.httpStatus !== 429;
}

/** The failure type of an attempt that left a call without a result. */
export function failureType(result: AttemptResult): ToolFailureType {
  return result.outcome === 'http_error' ? 'server' : 'network';
}

/** The request with its `request_id` (body or query, wherever the tool carries one) set to `id`; unchanged when it has none. */
function withRequestId(request: ServiceRequest, id: string): ServiceRequest {
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && 'request_id' in body)
    return { ...request, body: { ...body, request_id: id } };
  // An MCP tools/call (mcp-call.ts) carries it among the tool's arguments.
  const params = body?.params as { arguments?: Record<string, unknown> } | undefined;
  if (params?.arguments && 'request_id' in params.arguments)
    return { ...request, body: { ...body, params: { ...params, arguments: { ...params.arguments, request_id: id } } } };
  if (request.query && 'request_id' in request.query)
    return { ...request, query: { ...request.query, request_id: id } };
  return request;
}

/** The request id of one attempt of a call: `<callId>#<attempt>`. */
export function attemptId(callId: string, attempt: number): string {
  return `${callId}#${attempt}`;
}

/**
 * Makes one logical tool call.
 * @param call `callId` the call's id (attempt ids derive from it); `request` the HTTP request (its
 *   `request_id`, if any, already set once for the call); `proxy` and `direct` the two endpoints;
 *   `policy` the limits, backoff and jitter; `signal` cancels (the prompt's deadline, the run's
 *   interruption: it ends a wait, and no attempt starts once it fired); `dispatcher` the connection
 *   pool; `now` the clock (ms since the epoch); `onAttempt` called once per attempt, in order, as soon
 *   as it ends (the recorder)
 * @returns `result` with the answering attempt (2xx or a non-retryable status such as 404), or
 *   `no_result` with the last failed attempt and its failure type
 */
export async function callTool(call: {
  callId: string;
  request: ServiceRequest;
  proxy: Endpoint;
  direct: Endpoint;
  policy: ToolCallPolicy;
  signal: AbortSignal;
  dispatcher?: Dispatcher;
  now: () => number;
  onAttempt: (attempt: ToolAttempt) => void;
  /**
   * Awaited before each attempt is sent (after its wait): the fault plan's announcement (fault-hook.ts);
   * what it resolves with is awaited with the attempt's end (sent or not, whether another may follow).
   */
  beforeAttempt?: (attempt: number) => Promise<ReportAttemptEnd | undefined>;
  /** Sends one attempt (default {@link sendAttempt}; an MCP call reads the tool result out of the answer: mcp-call.ts). */
  send?: typeof sendAttempt;
}): Promise<ToolCallResult> {
  const { policy } = call;
  const vias: ('proxy' | 'direct')[] = [
    ...Array.from({ length: policy.toolLimit }, () => 'proxy' as const),
    ...(policy.fallback ? ['direct' as const] : []),
  ];
  let last: AttemptResult | undefined;
  let attempts = 0;
  for (const [index, via] of vias.entries()) {
    let waitMs = 0;
    if (last) {
      const honoured = last.httpStatus !== null && RETRY_AFTER_STATUSES.has(last.httpStatus) ? last.retryAfterMs : null;
      waitMs = retryWaitMs(index, policy, policy.jitter(), honoured);
      if (!(await pause(waitMs, call.signal))) break;
    }
    if (call.signal.aborted) break;
    const attempt = index + 1;
    const id = attemptId(call.callId, attempt);
    const reportEnd = await call.beforeAttempt?.(attempt);
    if (call.signal.aborted) {
      await reportEnd?.({ sent: false, more: false });
      break;
    }
    const startedAt = call.now();
    const request = policy.idempotencyKeys === 'per-attempt' ? withRequestId(call.request, id) : call.request;
    last = await (call.send ?? sendAttempt)(via === 'proxy' ? call.proxy : call.direct, request, {
      timeoutMs: via === 'proxy' ? policy.proxyTimeoutMs : policy.fallbackTimeoutMs,
      signal: call.signal,
      attemptId: id,
      dispatcher: call.dispatcher,
      now: call.now,
    });
    attempts = attempt;
    call.onAttempt({
      attempt,
      via,
      outcome: last.outcome,
      httpStatus: last.httpStatus,
      startedAt,
      durationMs: last.durationMs,
      error: last.error,
      attemptId: id,
      simulated: last.simulated,
      waitMs,
      retryAfterMs: last.retryAfterMs,
    });
    const more = !isAnswer(last) && last.outcome !== 'cancelled' && index < vias.length - 1;
    await reportEnd?.({ sent: true, more });
    if (isAnswer(last)) return { kind: 'result', final: last, attempts };
    if (last.outcome === 'cancelled') break;
  }
  const final: AttemptResult = last ?? {
    outcome: 'cancelled',
    httpStatus: null,
    body: null,
    error: 'cancelled before the first attempt',
    durationMs: 0,
    simulated: false,
    retryAfterMs: null,
  };
  return { kind: 'no_result', final, attempts, failureType: failureType(final) };
}

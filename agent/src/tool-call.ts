/**
 * One logical tool call, made resilient: attempts through the service's proxy, then one fallback
 * straight to the service (DESIGN.md "The agent").
 *
 *   attempt 1..TOOL_LIMIT  ──▶ proxy   (PROXY_TIMEOUT_MS each)    retried on timeout, refused or
 *                                                                reset connection, or a 5xx
 *   attempt TOOL_LIMIT + 1 ──▶ direct  (FALLBACK_TIMEOUT_MS)     only when FALLBACK=on and every
 *                                                                proxy attempt failed that way
 *
 * This attempt loop is the agent's only retry mechanism for tool calls (no LangChain retry middleware
 * on top): the attempts and the fallback share one `request_id` and go to different endpoints, which
 * a loop over one request states directly. Any other status (2xx, 4xx) is an answer and ends the
 * call: a 4xx tells the model its arguments were wrong, and asking again would not change that.
 */
import type { Endpoint } from '@chaos-lab/common';
import type { Dispatcher } from 'undici';
import { type AttemptOutcome, type AttemptResult, type ServiceRequest, sendAttempt } from './service-http.js';

/** How tool calls are attempted: the settings of DESIGN.md "The agent". */
export interface ToolCallPolicy {
  /** Attempts through the proxy, in all (`TOOL_LIMIT`, ≥ 1). */
  readonly toolLimit: number;
  /** Deadline of one proxy attempt, ms (`PROXY_TIMEOUT_MS`). */
  readonly proxyTimeoutMs: number;
  /** Whether one direct call follows failed proxy attempts (`FALLBACK=on`). */
  readonly fallback: boolean;
  /** Deadline of the direct fallback, ms (`FALLBACK_TIMEOUT_MS`). */
  readonly fallbackTimeoutMs: number;
}

/** One attempt as recorded (a `tool_calls` row, without the run and prompt columns). */
export interface ToolAttempt {
  /** 1-based; the fallback is `toolLimit + 1`. */
  readonly attempt: number;
  readonly via: 'proxy' | 'direct';
  readonly outcome: AttemptOutcome;
  readonly httpStatus: number | null;
  /** When the attempt started, ms since the epoch. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly error: string | null;
  /** The attempt's own request id (sent as `X-Request-Id`, written in the service's access log). */
  readonly attemptId?: string;
  /** True when the service marked its answer as a simulated error (`ERROR_PROB`). */
  readonly simulated?: boolean;
  /** Backoff waited before this attempt started, ms. */
  readonly waitMs?: number;
  /** The server's `Retry-After`, ms, when it sent one. */
  readonly retryAfterMs?: number | null;
}

/** Why a tool call ended without a result: `network` (timeout, refused, reset) or `server` (5xx). */
export type ToolFailureType = 'network' | 'server';

/** How a logical tool call ended. */
export type ToolCallResult =
  | { readonly kind: 'result'; readonly final: AttemptResult; readonly attempts: number }
  | { readonly kind: 'no_result'; readonly final: AttemptResult; readonly attempts: number; readonly failureType: ToolFailureType };

/** True when an attempt's failure is worth another attempt: timeout, refused or reset, or a 5xx. */
function isRetryable(result: AttemptResult): boolean {
  if (result.outcome === 'ok') return false;
  if (result.outcome === 'http_error') return result.httpStatus !== null && result.httpStatus >= 500;
  return true;
}

/** The failure type of an attempt that left a call without a result. */
export function failureType(result: AttemptResult): ToolFailureType {
  return result.outcome === 'http_error' ? 'server' : 'network';
}

/**
 * Makes one logical tool call.
 * @param call `request` the HTTP request (its `request_id`, if any, already set once for the call);
 *   `proxy` and `direct` the two endpoints; `policy` the limits; `signal` cancels (the prompt's
 *   deadline, the run's interruption: no further attempt starts once it fired); `dispatcher` the
 *   connection pool; `now` the clock (ms since the epoch); `onAttempt` called once per attempt, in
 *   order, as soon as it ends (the recorder)
 * @returns `result` with the answering attempt (2xx or a non-retryable status such as 4xx), or
 *   `no_result` with the last failed attempt and its failure type
 */
export async function callTool(call: {
  request: ServiceRequest;
  proxy: Endpoint;
  direct: Endpoint;
  policy: ToolCallPolicy;
  signal: AbortSignal;
  dispatcher?: Dispatcher;
  now: () => number;
  onAttempt: (attempt: ToolAttempt) => void;
}): Promise<ToolCallResult> {
  const { policy } = call;
  const attemptAt = async (attempt: number, via: 'proxy' | 'direct'): Promise<AttemptResult> => {
    const startedAt = call.now();
    const result = await sendAttempt(via === 'proxy' ? call.proxy : call.direct, call.request, {
      timeoutMs: via === 'proxy' ? policy.proxyTimeoutMs : policy.fallbackTimeoutMs,
      signal: call.signal,
      dispatcher: call.dispatcher,
    });
    call.onAttempt({
      attempt,
      via,
      outcome: result.outcome,
      httpStatus: result.httpStatus,
      startedAt,
      durationMs: result.durationMs,
      error: result.error,
    });
    return result;
  };

  let last: AttemptResult | undefined;
  let attempts = 0;
  for (let attempt = 1; attempt <= policy.toolLimit && !call.signal.aborted; attempt++) {
    last = await attemptAt(attempt, 'proxy');
    attempts = attempt;
    if (!isRetryable(last)) return { kind: 'result', final: last, attempts };
  }
  if (policy.fallback && !call.signal.aborted) {
    last = await attemptAt(policy.toolLimit + 1, 'direct');
    attempts += 1;
    if (!isRetryable(last)) return { kind: 'result', final: last, attempts };
  }
  const final = last ?? { outcome: 'timeout', httpStatus: null, body: null, error: 'cancelled before the first attempt', durationMs: 0 };
  return { kind: 'no_result', final, attempts, failureType: failureType(final) };
}

/**
 * The agent's model calls: marked when they fail (so a prompt failure can say `model`), counted at
 * the HTTP level (so the retries the model client makes by itself show in the summary instead of
 * hiding inside one slow call), and recorded one row per HTTP request in `model_calls` (status,
 * latency, time to first byte, tokens, the LLM fault the gateway injected, and after a 429/503 with
 * Retry-After how long the client waited before it asked again; the rows: `model-call-rows.ts`).
 *
 * Counting: a `wrapModelCall` middleware opens an async-local scope per model call; the `fetch` given
 * to the model client (ChatOpenAI or ChatGroq: every model is reached over HTTP) measures each request
 * made inside it, tells the model server which run, prompt and request it is (`X-Chaos-Run`,
 * `X-Chaos-Prompt`, `X-Request-Id`), and reads the lab's mark (`chaos_lab.unhandled`) off the answer,
 * which the middleware puts back on the AIMessage (`response_metadata.unhandled`) for the verdict.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { AIMessage } from '@langchain/core/messages';
import { createMiddleware } from 'langchain';
import { UNHANDLED_KEY } from '../verdicts/verdict.js';
import { countModelCall } from '../records/metrics.js';
import {
  insertModelCallRow,
  updateModelCallRow,
  type ModelCallSink,
  type PreviousRequest,
  type RequestMeasure,
} from './model-call-rows.js';
import { measureBody } from './model-response.js';

/** A model call failed (after the model client's own retries). The cause is the client's error. */
export class ModelCallError extends Error {
  /** @param cause what the model client threw */
  constructor(cause: unknown) {
    super(`model call failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ModelCallError';
  }
}

/** One model call in flight. */
interface CallScope {
  readonly callId: string;
  readonly promptIndex?: number;
  readonly promptAttempt?: number;
  readonly signal?: AbortSignal;
  requests: number;
  unhandled?: string;
  /** The row of the previous request and when its response ended (for the Retry-After measure). */
  previous?: PreviousRequest;
  /** Told how each request ended (its `model_calls.status` and the lab's unhandled mark). */
  readonly onRequestEnd?: (end: ModelRequestEnd) => void;
}

/** How one model request ended. */
export interface ModelRequestEnd {
  readonly status: string;
  readonly unhandled?: string;
}

/** The prompt attempt a model request outside {@link ModelCallCounter.count} belongs to. */
export interface OutsideCallContext {
  readonly promptIndex: number;
  readonly promptAttempt: number;
  readonly signal?: AbortSignal;
  readonly onRequestEnd?: (end: ModelRequestEnd) => void;
}

/** `Retry-After` in ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Counts model calls and the HTTP requests they make, and records each request when given a sink. */
export class ModelCallCounter {
  readonly #scope = new AsyncLocalStorage<CallScope>();
  #sink: ModelCallSink | undefined;
  #calls = 0;
  #requests = 0;
  #retries = 0;
  #tokensIn = 0;
  #tokensOut = 0;
  #outside: (() => OutsideCallContext | undefined) | undefined;

  /** Model calls made. */
  get calls(): number {
    return this.#calls;
  }

  /** HTTP requests the model client sent (0 for a model that sends none). */
  get requests(): number {
    return this.#requests;
  }

  /** Requests the model client sent again after a failed one. */
  get retries(): number {
    return this.#retries;
  }

  /** Tokens the answers reported (`usage`): prompt tokens in, completion tokens out. */
  get tokens(): { in: number; out: number } {
    return { in: this.#tokensIn, out: this.#tokensOut };
  }

  /** From now on, each request is a `model_calls` row of `sink`'s run. */
  recordTo(sink: ModelCallSink): void {
    this.#sink = sink;
  }

  /**
   * Counts requests made outside {@link count} too: each request made while `context` returns a prompt
   * attempt is one model call of that attempt (an agent under test drives the model itself, so the
   * client's own retries of a call cannot be told from new calls there).
   */
  countOutsideCalls(context: () => OutsideCallContext | undefined): void {
    this.#outside = context;
  }

  /** A one-request scope for a request made outside {@link count}, when {@link countOutsideCalls} knows its prompt. */
  #outsideScope(): CallScope | undefined {
    const context = this.#outside?.();
    if (!context) return undefined;
    this.#calls += 1;
    return { callId: `model-${randomUUID().slice(0, 8)}`, requests: 0, ...context };
  }

  /** A `fetch` for the model client that counts, labels, measures and records each request. */
  readonly fetch: typeof fetch = async (input, init) => {
    this.#requests += 1;
    const scope = this.#scope.getStore() ?? this.#outsideScope();
    if (!scope) return fetch(input, init);
    scope.requests += 1;
    const sink = this.#sink;
    const now = sink?.now ?? Date.now;
    const attempt = scope.requests;
    const requestId = `${scope.callId}#${attempt}`;
    const headers = new Headers(init?.headers);
    headers.set('X-Request-Id', requestId);
    if (sink) headers.set('X-Chaos-Run', sink.runId);
    if (scope.promptIndex !== undefined) headers.set('X-Chaos-Prompt', String(scope.promptIndex));
    const startedAt = now();
    const previous = scope.previous;
    const row = sink
      ? insertModelCallRow(
          sink,
          {
            promptIndex: scope.promptIndex,
            promptAttempt: scope.promptAttempt,
            callIndex: this.#calls,
            attempt,
            requestId,
            startedAt,
          },
          previous,
        )
      : undefined;
    const finish = (m: RequestMeasure) => {
      const endedAt = now();
      if (m.unhandled) scope.unhandled = m.unhandled;
      scope.onRequestEnd?.({ status: m.status, ...(m.unhandled ? { unhandled: m.unhandled } : {}) });
      this.#tokensIn += m.tokensIn ?? 0;
      this.#tokensOut += m.tokensOut ?? 0;
      scope.previous = row === undefined ? undefined : { rowId: row, endedAt, retryAfterMs: m.retryAfterMs };
      const recording = this.#sink;
      if (recording && row !== undefined)
        updateModelCallRow(recording, row, requestId, {
          ...m,
          latencyMs: endedAt - startedAt,
          ttftMs: m.firstByteAt === undefined ? undefined : m.firstByteAt - startedAt,
        });
      countModelCall(m.status, endedAt - startedAt);
    };
    let response: Response;
    try {
      response = await fetch(input, { ...init, headers });
    } catch (err) {
      finish({ status: failureStatus(err, scope.signal), error: (err as Error).message });
      throw err;
    }
    const retryAfter =
      response.status === 429 || response.status === 503
        ? retryAfterMs(response.headers.get('retry-after'), now())
        : undefined;
    return measureBody(response, now, (m) =>
      finish({
        ...m,
        status:
          m.failure !== undefined
            ? failureStatus(m.failure, scope.signal)
            : !response.ok
              ? 'http_error'
              : m.malformed
                ? 'malformed'
                : 'ok',
        httpStatus: response.status,
        retryAfterMs: retryAfter,
      }),
    );
  };

  /**
   * Runs one model call in its own scope.
   * @param context the prompt attempt it is made for, when known
   * @returns what `call` returns, with the unhandled mark the server sent put back on an AIMessage; its error passes through
   */
  async count<T>(
    call: () => Promise<T>,
    context?: { promptIndex?: number; promptAttempt?: number; signal?: AbortSignal },
  ): Promise<T> {
    const scope: CallScope = { callId: `model-${randomUUID().slice(0, 8)}`, requests: 0, ...context };
    this.#calls += 1;
    try {
      const result = await this.#scope.run(scope, call);
      if (scope.unhandled && AIMessage.isInstance(result))
        result.response_metadata = { ...result.response_metadata, [UNHANDLED_KEY]: scope.unhandled };
      return result;
    } finally {
      this.#retries += Math.max(0, scope.requests - 1);
    }
  }
}

/** The status of a request that threw: cancelled by the prompt, timed out by the client, or a network failure (refused, reset, cut). */
function failureStatus(err: unknown, signal: AbortSignal | undefined): 'cancelled' | 'timeout' | 'network' {
  if (signal?.aborted) return 'cancelled';
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError' ? 'timeout' : 'network';
}

/**
 * The middleware that wraps every model call of the agent: counts it on `counter` (with the prompt
 * attempt of the run's context) and turns a failure into a {@link ModelCallError}.
 */
export function modelCallMiddleware(counter: ModelCallCounter) {
  return createMiddleware({
    name: 'ModelCalls',
    wrapModelCall: async (request, handler) => {
      const context = (
        request.runtime as
          | { context?: { promptIndex?: number; promptAttempt?: number; signal?: AbortSignal } }
          | undefined
      )?.context;
      try {
        return await counter.count(async () => handler(request), context);
      } catch (err) {
        throw new ModelCallError(err);
      }
    },
  });
}

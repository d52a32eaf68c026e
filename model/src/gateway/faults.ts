/**
 * The LLM faults the gateway injects: what a model API really does to its clients
 * (docs/models-and-llm-faults.md). One descriptor per kind: where it acts and with which attributes
 * (units in the names).
 *
 *   kind               acts          what the client sees
 *   rate_limit         before        429 {error.type rate_limit_exceeded}, Retry-After: retry_after_s
 *   server_error       before        500
 *   bad_gateway        before        502 (an HTML body, as a load balancer sends)
 *   unavailable        before        503, Retry-After: retry_after_s
 *   unauthorized       before        401 {error.code invalid_api_key}
 *   context_length     before        400 {error.code context_length_exceeded}
 *   hang               before        nothing: the request is held until the client gives up, or
 *                                    hang_ms when set (then the connection is closed, unanswered)
 *   slow_first_token   response      the first byte after first_token_delay_ms
 *   slow_stream        response      chunk_delay_ms between stream chunks (a whole body: between pieces)
 *   stream_cut         response      the connection closed after cut_after_chunks chunks (no [DONE])
 *   malformed_json     response      200 with a body that is not JSON (a chunk, when streaming)
 *   bad_tool_args      answer        a tool call whose arguments are not JSON
 *   unknown_tool       answer        a tool call of a tool that was not offered
 *   empty_completion   answer        content "" and no tool calls, finish_reason stop
 *
 * `status` replaces the HTTP status of the six error kinds (the body stays the kind's). Error bodies
 * follow the OpenAI API's error object ({error: {message, type, code}}), which the OpenAI and Groq SDKs
 * parse into their error classes; the Anthropic Messages API's answers are in
 * `model/src/anthropic/errors.ts` (same kinds, Anthropic's statuses and error object).
 */

import { LLM_FAULT_KINDS, type LlmFaultKind } from '@chaos-lab/common';

export { LLM_FAULT_KINDS, type LlmFaultKind };

/**
 * A fault to inject into one request, with its attributes (the names of the `fault_events` attributes
 * the proxy-manager's `llm` kind writes; each absent one takes its default).
 */
export interface LlmFault {
  readonly kind: LlmFaultKind;
  /** HTTP status of an error kind (default: the kind's own). */
  readonly status?: number;
  /** Retry-After of rate_limit / unavailable, s (default 1). */
  readonly retry_after_s?: number;
  /** How long hang holds the request before closing the connection, ms (default: until the client gives up). */
  readonly hang_ms?: number;
  /** Delay of the first byte of slow_first_token, ms (default 2000). */
  readonly first_token_delay_ms?: number;
  /** Delay between the chunks of slow_stream, ms (default 500). */
  readonly chunk_delay_ms?: number;
  /** Chunks sent before stream_cut closes the connection (default 2). */
  readonly cut_after_chunks?: number;
  /** The planned `fault_events` row it comes from, when it comes from one. */
  readonly event_id?: number;
}

/** An HTTP error answer: status, headers and the body in the API's error shape. */
export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly contentType: string;
}

const errorBody = (message: string, type: string, code: string | null) =>
  JSON.stringify({ error: { message, type, param: null, code } });

/** The error answer each error kind gets in one API's shape, or undefined for the other kinds. */
export type ErrorAnswers = (fault: LlmFault) => ErrorAnswer | undefined;

/**
 * The error answer of a fault that answers before the model (its `status` when set), or undefined for
 * the other kinds.
 * @param answers the API's answers (default: the OpenAI API's)
 */
export function errorAnswer(fault: LlmFault, answers: ErrorAnswers = openAiAnswers): ErrorAnswer | undefined {
  const answer = answers(fault);
  return answer && fault.status !== undefined ? { ...answer, status: fault.status } : answer;
}

/** What bad_gateway sends in every API: a load balancer's HTML page, not the provider's JSON. */
export const BAD_GATEWAY_ANSWER: ErrorAnswer = {
  status: 502,
  headers: {},
  contentType: 'text/html',
  body: '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>',
};

/** `Retry-After` of rate_limit and unavailable, s. */
export const retryAfterHeader = (fault: LlmFault) => ({ 'Retry-After': String(fault.retry_after_s ?? 1) });

/** The OpenAI API's error answers. */
export function openAiAnswers(fault: LlmFault): ErrorAnswer | undefined {
  const json = 'application/json';
  const retryAfter = retryAfterHeader(fault);
  switch (fault.kind) {
    case 'rate_limit':
      return {
        status: 429,
        headers: retryAfter,
        contentType: json,
        body: errorBody(
          'Rate limit reached for requests (injected by the chaos lab)',
          'rate_limit_exceeded',
          'rate_limit_exceeded',
        ),
      };
    case 'server_error':
      return {
        status: 500,
        headers: {},
        contentType: json,
        body: errorBody('The server had an error while processing your request (injected)', 'server_error', null),
      };
    case 'bad_gateway':
      return BAD_GATEWAY_ANSWER;
    case 'unavailable':
      return {
        status: 503,
        headers: retryAfter,
        contentType: json,
        body: errorBody(
          'The engine is currently overloaded, please try again later (injected)',
          'server_error',
          'overloaded',
        ),
      };
    case 'unauthorized':
      return {
        status: 401,
        headers: {},
        contentType: json,
        body: errorBody('Incorrect API key provided (injected)', 'invalid_request_error', 'invalid_api_key'),
      };
    case 'context_length':
      return {
        status: 400,
        headers: {},
        contentType: json,
        body: errorBody(
          "This model's maximum context length is 8192 tokens; your messages resulted in more (injected)",
          'invalid_request_error',
          'context_length_exceeded',
        ),
      };
    default:
      return undefined;
  }
}

/** A tool name no agent offers: what unknown_tool calls. */
export const UNKNOWN_TOOL_NAME = 'open_the_pod_bay_doors';

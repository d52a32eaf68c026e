/**
 * The Anthropic Messages API's error answers: each LLM fault kind that answers before the model, the
 * 400 of a bad request and the gateway's 502 when the provider cannot be reached, in Anthropic's error
 * object (`{"type": "error", "error": {"type", "message"}}`), which the Anthropic SDK parses into its
 * error classes. Source: Anthropic's API reference, "Errors" (400 invalid_request_error, 401
 * authentication_error, 429 rate_limit_error, 500 api_error, 529 overloaded_error).
 *
 *   kind             status   error.type
 *   rate_limit       429      rate_limit_error, Retry-After: retry_after_s
 *   server_error     500      api_error
 *   bad_gateway      502      (a load balancer's HTML page, as for every API: faults.ts)
 *   unavailable      529      overloaded_error, Retry-After: retry_after_s
 *   unauthorized     401      authentication_error
 *   context_length   400      invalid_request_error ("prompt is too long")
 *
 * A fault's `status` replaces the kind's (faults.ts `errorAnswer`).
 */
import type { ErrorType } from '@anthropic-ai/sdk/resources/shared';
import type { Response } from 'express';
import { BAD_GATEWAY_ANSWER, retryAfterHeader, type ErrorAnswer, type LlmFault } from '../gateway/faults.js';
import type { UnreachableAnswer } from '../upstream.js';

/** An Anthropic error body. */
export function errorBody(type: ErrorType, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: null });
}

const json = (status: number, type: ErrorType, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  contentType: 'application/json',
  body: errorBody(type, message),
});

/** The Anthropic Messages API's answer of each error kind, or undefined for the other kinds. */
export function anthropicAnswers(fault: LlmFault): ErrorAnswer | undefined {
  switch (fault.kind) {
    case 'rate_limit':
      return json(
        429,
        'rate_limit_error',
        'This request would exceed the rate limit for your organization (injected by the chaos lab)',
        retryAfterHeader(fault),
      );
    case 'server_error':
      return json(500, 'api_error', 'Internal server error (injected)');
    case 'bad_gateway':
      return BAD_GATEWAY_ANSWER;
    case 'unavailable':
      return json(529, 'overloaded_error', 'Overloaded (injected)', retryAfterHeader(fault));
    case 'unauthorized':
      return json(401, 'authentication_error', 'invalid x-api-key (injected)');
    case 'context_length':
      return json(400, 'invalid_request_error', 'prompt is too long: 208000 tokens > 200000 maximum (injected)');
    default:
      return undefined;
  }
}

/** A 400 invalid_request_error saying what was wrong. */
export function badRequest(res: Response, message: string): void {
  res.status(400).type('application/json').send(errorBody('invalid_request_error', message));
}

/** The gateway's 502 when the provider cannot be reached, as an api_error. */
export const anthropicUnreachable: UnreachableAnswer = (res, message) =>
  void res.status(502).type('application/json').send(errorBody('api_error', message));

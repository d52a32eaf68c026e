/**
 * Which prompt attempt a model request is for, read from its headers, in this order:
 *
 *   X-Chaos-Run (+ X-Chaos-Prompt)         the lab's own agent; still served for any client that sends them
 *   X-Request-Id: <run>/p<i>/a<n>/…        the contract of an agent under test (docs/your-agent.md),
 *                                          read with the lab's one parser (common/src/record/request-id.ts)
 *   neither                                 the gateway does not know; the planned source announces it
 *                                          under the current run's prompt in flight, if any (planned.ts)
 *
 * A request without `X-Request-Id` gets one of the gateway's own (`model-<uuid>`) before anything
 * reads it, so its `service_requests` row, the fault event's `request_ids` and its `model_calls` row
 * name the same request.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promptAttemptOfRequestId } from '@chaos-lab/common';

/** The run and prompt a request names; both absent when it names none. */
export interface RequestScope {
  readonly runId?: string;
  /** 0-based, as `prompt_results.prompt_index`. */
  readonly promptIndex?: number;
}

/**
 * A connect-style middleware: gives a request without `X-Request-Id` the gateway's own
 * (`model-<uuid>`), so every reader after it (the `service_requests` recorder, the route) sees one.
 */
export function ensureRequestId(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  const given = req.headers['x-request-id'];
  if (typeof given !== 'string' || given.trim() === '') req.headers['x-request-id'] = `model-${randomUUID()}`;
  next();
}

/**
 * The run and prompt of a request (see the file comment).
 * @param header reads a request header by name (undefined when absent)
 * @param requestId the request's `X-Request-Id`
 */
export function requestScope(header: (name: string) => string | undefined, requestId: string): RequestScope {
  const runId = header('X-Chaos-Run');
  if (runId !== undefined && runId !== '') {
    const prompt = Number(header('X-Chaos-Prompt') ?? Number.NaN);
    return Number.isInteger(prompt) && prompt >= 0 ? { runId, promptIndex: prompt } : { runId };
  }
  const named = promptAttemptOfRequestId(requestId);
  return named ? { runId: named.runId, promptIndex: named.promptIndex } : {};
}

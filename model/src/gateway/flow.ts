/**
 * The gateway's per-request flow, the same for every API the model server speaks (the OpenAI API in
 * app.ts, the Anthropic Messages API in `model/src/anthropic/`):
 *
 *   a parsed request ─▶ who it is (headers) and its number in its run ─▶ ask the fault source once
 *     ├─ a fault → `X-Chaos-Fault: <kind>` on the response, one log line
 *     ├─ an error kind → its answer in the API's error shape ({@link answerAlone})
 *     ├─ hang → nothing until the client gives up, or closed unanswered after hang_ms
 *     └─ anything else → the route answers (the offline model, or the upstream), shaping the answer
 *        with the fault (respond.ts)
 *
 * Which run and prompt a request belongs to is read by request-scope.ts: its `X-Request-Id` prefix (the
 * contract of an agent under test), or `X-Chaos-Run` and `X-Chaos-Prompt` (the lab's own agent).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { BaseChatModel, BindToolsInput } from '@langchain/core/language_models/chat_models';
import type { AIMessage, BaseMessage } from '@langchain/core/messages';
import type { Request, Response } from 'express';
import type { Logger } from '@chaos-lab/common';
import { errorAnswer, type ErrorAnswers, type LlmFault } from './faults.js';
import { requestScope } from './request-scope.js';
import type { FaultQuery, LlmFaultSource } from './source.js';

/** The header a faulted response carries, with the fault's kind. */
export const FAULT_HEADER = 'X-Chaos-Fault';

/** One request on its way through the gateway. */
export interface GatewayRequest {
  readonly query: FaultQuery;
  /** The fault the source gave it, or undefined. */
  readonly fault: LlmFault | undefined;
  /** Aborted when the client's connection closes (ends the waits, the model and the upstream request). */
  readonly gone: AbortSignal;
}

/** The gateway of one app: its fault source, and the count of each run's requests across every API. */
export interface Gateway {
  /** Asks the fault source for this request's fault, marks the response and logs it. Never rejects. */
  open(req: Request, res: Response): Promise<GatewayRequest>;
}

/** Aborted when the client's connection closes. */
export function closeSignal(res: Response): AbortSignal {
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  return gone.signal;
}

/** Which run, prompt and request a model request is (request-scope.ts); numbered in its run by `calls`. */
function queryOf(req: Request, calls: Map<string, number>): FaultQuery {
  const requestId = req.get('X-Request-Id')!; // ensureRequestId gave every request one
  const { runId, promptIndex } = requestScope((name) => req.get(name), requestId);
  const callNumber = (calls.get(runId ?? '') ?? 0) + 1;
  calls.set(runId ?? '', callNumber);
  return { callNumber, runId, promptIndex, requestId };
}

/** The gateway in front of every API of one app. */
export function createGateway(deps: { readonly faults: LlmFaultSource; readonly logger: Logger }): Gateway {
  const calls = new Map<string, number>();
  return {
    async open(req, res) {
      const query = queryOf(req, calls);
      const gone = closeSignal(res);
      const fault = await deps.faults(query);
      if (fault) {
        res.setHeader(FAULT_HEADER, fault.kind);
        deps.logger.info(
          {
            request_id: query.requestId,
            run_id: query.runId,
            call: query.callNumber,
            prompt_index: query.promptIndex,
            fault: fault.kind,
            fault_event_id: fault.event_id,
          },
          'LLM fault injected',
        );
      }
      return { query, fault, gone };
    },
  };
}

/**
 * Answers a request whose fault answers alone, before any model: an error kind with its answer in the
 * API's shape (`answers`), or hang (held until the client gives up, or closed unanswered after
 * hang_ms, as a load balancer's idle timeout does).
 * @returns true when the fault answered (the route must do nothing more), false otherwise
 */
export async function answerAlone(res: Response, request: GatewayRequest, answers: ErrorAnswers): Promise<boolean> {
  const { fault, gone } = request;
  if (!fault) return false;
  const error = errorAnswer(fault, answers);
  if (error) {
    res.status(error.status).set(error.headers).type(error.contentType).send(error.body);
    return true;
  }
  if (fault.kind !== 'hang') return false;
  if (fault.hang_ms !== undefined)
    await delay(fault.hang_ms, undefined, { signal: gone }).then(
      () => res.destroy(),
      () => undefined,
    );
  return true;
}

/**
 * The offline model's answer to `messages`, with the request's `tools` bound (their names are what it
 * may call). Undefined when the client went away first.
 * @throws what the model throws otherwise (a 500 of the app)
 */
export async function offlineAnswer(
  model: BaseChatModel,
  tools: readonly BindToolsInput[] | undefined,
  messages: BaseMessage[],
  gone: AbortSignal,
): Promise<AIMessage | undefined> {
  const bound = tools && tools.length > 0 && model.bindTools ? model.bindTools([...tools]) : model;
  try {
    return (await bound.invoke(messages, { signal: gone })) as AIMessage;
  } catch (err) {
    if (gone.aborted) return undefined;
    throw err;
  }
}

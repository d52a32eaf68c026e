/**
 * `POST /v1/messages`: the Anthropic Messages API in front of the offline model (or the upstream),
 * through the same gateway as the OpenAI API (gateway/flow.ts):
 *
 *   check the request (400 invalid_request_error) ─▶ the gateway's fault for it
 *     ├─ an error kind → its Anthropic answer (errors.ts); hang → held
 *     ├─ with an upstream and no fault → forwarded to `<MODEL_UPSTREAM_URL>/messages` as it is
 *     └─ the offline model's answer (or the upstream's whole one) ─▶ answer-shaping fault ─▶ a message,
 *        whole or streamed as events (message.ts), with the response-shaping fault (respond.ts)
 */
import { randomUUID } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { RequestHandler } from 'express';
import { isLabError } from '@chaos-lab/common';
import { answerAlone, offlineAnswer, type Gateway } from '../gateway/flow.js';
import { deliver, shapeAnswer } from '../gateway/respond.js';
import { forward, unreachableMessage, type Upstream, type UpstreamAnswer } from '../upstream.js';
import { fromLangChain, type WireAnswer } from '../wire.js';
import { anthropicAnswers, anthropicUnreachable, badRequest } from './errors.js';
import { BROKEN_EVENT, messageBody, messageEvents } from './message.js';
import { messagesRequestSchema, toLangChainMessages } from './request.js';
import { wholeMessage } from './upstream.js';

/** What the route needs: the app's gateway, offline model and upstream. */
export interface AnthropicRouteDeps {
  readonly gateway: Gateway;
  /** A fresh offline model (unbound); each request's tools are bound to it. */
  readonly model: () => BaseChatModel;
  /** A provider to forward to instead of answering with the offline model (upstream.ts). */
  readonly upstream?: Upstream;
}

/** The handler of `POST /v1/messages`. */
export function anthropicRoutes(deps: AnthropicRouteDeps): RequestHandler {
  return async (req, res) => {
    const parsed = messagesRequestSchema.safeParse(req.body);
    if (!parsed.success)
      return badRequest(res, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const body = parsed.data;
    let messages: ReturnType<typeof toLangChainMessages> = [];
    try {
      // The offline model's messages; a provider checks its own.
      if (!deps.upstream) messages = toLangChainMessages(body);
    } catch (err) {
      if (isLabError(err, 'VALIDATION')) return badRequest(res, err.message);
      throw err;
    }
    const request = await deps.gateway.open(req, res);
    if (await answerAlone(res, request, anthropicAnswers)) return;
    const { fault, gone } = request;
    // A provider's answer with no fault to shape it goes back as it comes.
    if (deps.upstream && !fault)
      return forward(deps.upstream, '/messages', req, res, req.body, gone, anthropicUnreachable);

    let answer: WireAnswer;
    if (deps.upstream) {
      let whole: UpstreamAnswer;
      try {
        whole = await wholeMessage(deps.upstream, req, req.body as Record<string, unknown>, gone);
      } catch (err) {
        if (gone.aborted) return;
        return anthropicUnreachable(res, unreachableMessage(deps.upstream, err));
      }
      if ('status' in whole) return void res.status(whole.status).type(whole.contentType).send(whole.text);
      answer = whole.answer;
    } else {
      const message = await offlineAnswer(deps.model(), body.tools, messages, gone);
      if (!message) return;
      answer = fromLangChain(message, JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]));
    }
    const offered = (body.tools ?? []).map((t) => t.name);
    const shaped = shapeAnswer(answer, fault, offered);
    const id = `msg_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    await deliver(
      res,
      body.stream === true
        ? { events: messageEvents(id, body.model, shaped), brokenEvent: BROKEN_EVENT }
        : { whole: JSON.stringify(messageBody(id, body.model, shaped)) },
      fault,
      gone,
    );
  };
}

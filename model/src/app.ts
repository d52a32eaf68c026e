/**
 * The model server's app: an OpenAI-compatible API and the Anthropic Messages API around the offline
 * model, with the LLM fault gateway in front of them.
 *
 *   POST /v1/chat/completions ─▶ parse (400 on a bad request) ─▶ count the run's request ─▶ ask the
 *        fault source (in a lab: the proxy-manager's schedule, which records the fault)
 *        ├─ an error fault (429/500/502/503/401/400) → its answer
 *        ├─ hang → nothing until the client gives up (or hang_ms, then the connection is closed)
 *        └─ the offline model (tools bound from the request) ─▶ answer-shaping fault ─▶ write it,
 *           whole or streamed, with the response-shaping fault
 *        (with an upstream, upstream.ts: a hosted provider over HTTPS instead of the offline model)
 *   POST /v1/messages: the same flow in the Anthropic Messages API (anthropic/, gateway/flow.ts)
 *   GET /v1/models (the provider's, with an upstream), GET /health, GET /metrics (Prometheus: metrics.ts)
 *
 * A request says which run and prompt it belongs to by its `X-Request-Id` prefix (`<run>/p<i>/a<n>/`,
 * the contract of an agent under test) or in `X-Chaos-Run` and `X-Chaos-Prompt` (the lab's own agent);
 * gateway/request-scope.ts reads them, gateway/flow.ts asks for the fault. A faulted response carries
 * `X-Chaos-Fault: <kind>`.
 */
import { randomUUID } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { isLabError, METRICS_PATH, metricsHandler, type Logger, type RequestRecorder } from '@chaos-lab/common';
import { badRequest as anthropicBadRequest } from './anthropic/errors.js';
import { anthropicRoutes } from './anthropic/route.js';
import { openAiAnswers } from './gateway/faults.js';
import { answerAlone, closeSignal, createGateway, FAULT_HEADER, offlineAnswer } from './gateway/flow.js';
import { shapeAnswer, writeAnswer } from './gateway/respond.js';
import { ensureRequestId } from './gateway/request-scope.js';
import type { LlmFaultSource } from './gateway/source.js';
import { countCompletions } from './metrics.js';
import { forward, openAiUnreachable, unreachableMessage, wholeAnswer, type Upstream } from './upstream.js';
import { fromLangChain, toLangChain, type WireAnswer, type WireMessage } from './wire.js';

/** The name `/v1/models` lists and completions report. */
export const OFFLINE_MODEL_ID = 'chaos-lab-offline';

export { FAULT_HEADER };

/** What the app needs. */
export interface ModelAppDeps {
  /** A fresh offline model (unbound); the app binds each request's tools. */
  readonly model: () => BaseChatModel;
  readonly faults: LlmFaultSource;
  /** Records each chat-completions request in `service_requests` (`SERVICE_REQUESTS`); none when absent. */
  readonly requestRecorder?: RequestRecorder;
  /** A hosted provider to forward to instead of answering with the offline model (upstream.ts). */
  readonly upstream?: Upstream;
  readonly logger: Logger;
  readonly now?: () => number;
}

const requestSchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(z.looseObject({ role: z.string() })).min(1),
  tools: z
    .array(z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }))
    .optional(),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});

/**
 * The routes, under `/v1` (the OpenAI SDK's base) and `/openai/v1` (Groq's SDK appends that path to
 * its base URL), so either client can be pointed at the gateway.
 */
const COMPLETIONS_PATHS = ['/v1/chat/completions', '/openai/v1/chat/completions'];
const MODELS_PATHS = ['/v1/models', '/openai/v1/models'];
/** The Anthropic Messages API's route (its SDK's base is the origin; anthropic/route.ts). */
const MESSAGES_PATHS = ['/v1/messages'];

const badRequest = (res: Response, message: string) =>
  res.status(400).json({ error: { message, type: 'invalid_request_error', param: null, code: null } });

/** Builds the app (not listening). */
export function createModelApp(deps: ModelAppDeps): Express {
  const now = deps.now ?? Date.now;
  const gateway = createGateway(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'model', model: OFFLINE_MODEL_ID });
  });
  app.get(MODELS_PATHS, (req, res) => {
    if (deps.upstream) return forward(deps.upstream, '/models', req, res, undefined, closeSignal(res));
    res.json({ object: 'list', data: [{ id: OFFLINE_MODEL_ID, object: 'model', created: 0, owned_by: 'chaos-lab' }] });
  });
  app.all(METRICS_PATH, metricsHandler()); // its own 405 for other methods
  app.use([...COMPLETIONS_PATHS, ...MESSAGES_PATHS], ensureRequestId);
  if (deps.requestRecorder) app.use(deps.requestRecorder);
  app.use(express.json({ limit: '8mb' }));
  app.post(COMPLETIONS_PATHS, countCompletions(FAULT_HEADER), async (req, res) => {
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success)
      return badRequest(
        res,
        `invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const body = parsed.data;
    let messages: ReturnType<typeof toLangChain>;
    try {
      // The offline model's messages; a provider checks its own.
      messages = deps.upstream ? [] : toLangChain(body.messages as unknown as WireMessage[]);
    } catch (err) {
      if (isLabError(err, 'VALIDATION')) return badRequest(res, err.message);
      throw err;
    }
    const request = await gateway.open(req, res);
    if (await answerAlone(res, request, openAiAnswers)) return;
    const { fault, gone } = request;
    // A provider's answer with no fault to shape it goes back as it comes.
    if (deps.upstream && !fault) return forward(deps.upstream, '/chat/completions', req, res, req.body, gone);

    const offered = (body.tools ?? []).map((t) => t.function.name);
    let answer: WireAnswer;
    if (deps.upstream) {
      let whole: Awaited<ReturnType<typeof wholeAnswer>>;
      try {
        whole = await wholeAnswer(deps.upstream, req, req.body as Record<string, unknown>, gone);
      } catch (err) {
        if (gone.aborted) return;
        return openAiUnreachable(res, unreachableMessage(deps.upstream, err));
      }
      if ('status' in whole) return void res.status(whole.status).type(whole.contentType).send(whole.text);
      answer = whole.answer;
    } else {
      const message = await offlineAnswer(deps.model(), body.tools, messages, gone);
      if (!message) return;
      answer = fromLangChain(
        message,
        body.messages.map((m) => JSON.stringify(m)).join('') + JSON.stringify(body.tools ?? []),
      );
    }
    await writeAnswer(res, shapeAnswer(answer, fault, offered), {
      id: `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      model: body.model ?? OFFLINE_MODEL_ID,
      created: Math.floor(now() / 1000),
      stream: body.stream === true,
      includeUsage: body.stream_options?.include_usage === true,
      fault,
      signal: gone,
    });
  });
  app.post(MESSAGES_PATHS, countCompletions(FAULT_HEADER), anthropicRoutes({ ...deps, gateway }));
  app.use((req: Request, res: Response) => {
    res.status(404).json({
      error: {
        message: `no route ${req.method} ${req.path}`,
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 400 || status === 413)
      return void (MESSAGES_PATHS.includes(req.path) ? anthropicBadRequest : badRequest)(res, (err as Error).message);
    deps.logger.error({ err }, 'model server error');
    if (!res.headersSent)
      res.status(500).json({
        error: {
          message: 'internal error of the offline model server',
          type: 'server_error',
          param: null,
          code: null,
        },
      });
  });
  return app;
}

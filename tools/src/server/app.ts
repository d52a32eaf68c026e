/**
 * The shared server factory: one Express 5 app per tool service, with the same stack for all seven.
 *
 *   request ─▶ access log + request id ─▶ GET /health, GET /metrics ─▶ request metrics (metrics.ts)
 *           ─▶ GET /writes, POST /mcp ─▶ service_requests row (when SERVICE_REQUESTS is on)
 *           ─▶ an agent under test's tool call announced to the fault schedule (announce.ts)
 *           ─▶ planned HTTP error (the proxy-manager's open http_error event) ─▶ simulated 503 (ERROR_PROB)
 *           ─▶ JSON body (≤ BODY_LIMIT_BYTES) ─▶ the service's routes ─▶ JSON 404 ─▶ JSON errors
 *
 * The app does not listen; `main.ts` does, so tests can mount it on port 0.
 */
import express, { type Express } from 'express';
import { METRICS_PATH, metricsHandler } from '@chaos-lab/common';
import { accessLog } from './access-log.js';
import { announceAgentRequests, attemptAnnouncer } from './announce.js';
import { errorHandler, unknownRoute } from './errors.js';
import { IDEMPOTENCY_CAPACITY, IdempotencyStore } from './idempotency.js';
import { countRequests } from './metrics.js';
import { plannedFault } from './planned-fault.js';
import { simulatedFailure } from './simulated-failure.js';
import { mcpRouter } from '../mcp/endpoint.js';
import type { ToolDeps, ToolService } from '../service.js';

/** Largest JSON body a tool service accepts; larger ones get a 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** The health check path of every tool service. */
export const HEALTH_PATH = '/health';

/** The path that lists the writes that took effect (see {@link IdempotencyStore.listing}). */
export const WRITES_PATH = '/writes';

/**
 * Builds the app of one tool service.
 * @param service the service module (its name and routes)
 * @param deps settings, logger, seeded random source and clock
 * @returns an Express app, not yet listening
 * @throws {LabError} when the service's shipped data cannot be loaded
 */
export function createServiceApp(service: ToolService, deps: ToolDeps): Express {
  const now = deps.now ?? Date.now;
  const startedAtMs = now();
  const idempotency = new IdempotencyStore(IDEMPOTENCY_CAPACITY, now);
  const routes = service.routes({ random: deps.random.fork('data'), now, idempotency });

  const app = express();
  app.disable('x-powered-by');
  // Answers change from one request to the next (weather, inbox): a 304 would only confuse a client.
  app.set('etag', false);
  app.use(accessLog(deps.logger, HEALTH_PATH));
  app.get(HEALTH_PATH, (_req, res) => {
    res.json({ status: 'ok', service: service.name, uptime_s: Math.max(0, Math.round(now() - startedAtMs) / 1000) });
  });
  app.all(METRICS_PATH, metricsHandler()); // its own 405 for other methods
  app.use(countRequests(service.name, [HEALTH_PATH, METRICS_PATH]));
  // The writes that took effect, with what each wrote: how the experiment runner counts duplicate side effects.
  app.get(WRITES_PATH, (_req, res) => {
    res.json({ service: service.name, writes: idempotency.listing() });
  });
  // Before the faults: an MCP tool call makes one request to the routes below, which meets them (mcp/endpoint.ts).
  const announce = deps.managerUrl ? attemptAnnouncer(deps.managerUrl, deps.logger) : undefined;
  if (deps.mcpTools) app.use(mcpRouter(service.name, deps.mcpTools, deps.logger, announce));
  if (deps.requestRecorder) app.use(deps.requestRecorder);
  // Before the planned error: a fault the announcement fires is in place when the answer is written.
  if (announce && deps.mcpTools) app.use(announceAgentRequests(announce, deps.mcpTools));
  app.use(plannedFault(deps.plannedErrors, HEALTH_PATH));
  app.use(
    simulatedFailure(deps.errorProb ?? deps.settings.ERROR_PROB, deps.random.fork('simulated-failure'), HEALTH_PATH),
  );
  app.use(express.json({ limit: BODY_LIMIT_BYTES }));
  app.use(routes);
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}

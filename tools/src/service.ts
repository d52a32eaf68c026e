/**
 * What a tool service is made of: the dependencies it is given, and the one interface each of the
 * seven service modules implements to plug its routes into the shared server (`server/app.ts`).
 */
import type { Router } from 'express';
import type { DeclaredTool, Logger, Random, RequestRecorder, ServiceName, Settings } from '@chaos-lab/common';
import type { IdempotencyStore } from './server/idempotency.js';
import type { PlannedErrorSource } from './server/planned-fault.js';

/** Dependencies of a tool service app; inject a clock and a seeded source to replay behaviour in tests. */
export interface ToolDeps {
  /** Validated settings (`ERROR_PROB`, …). */
  settings: Settings;
  /** The service's logger (access logs go here); bind `service` on it. */
  logger: Logger;
  /** The service's seeded source, conventionally `createRandom(settings.CHAOS_SEED).fork(serviceName)`. */
  random: Random;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** The proxy-manager's planned HTTP errors for this service (server/planned-fault.ts); none when absent. */
  plannedErrors?: PlannedErrorSource;
  /** Records each request but health checks in `service_requests` (`SERVICE_REQUESTS`); none when absent. */
  requestRecorder?: RequestRecorder;
  /** The tools `/mcp` offers (`createApp`'s default: the service's built-in tools); no `/mcp` when absent. */
  mcpTools?: readonly DeclaredTool[];
  /**
   * The proxy-manager's HTTP API (`PROXY_MANAGER_URL`): the requests of an agent under test to the
   * service's tools are announced to its fault schedule (server/announce.ts); none announced when absent.
   */
  managerUrl?: string;
  /** `ERROR_PROB` read at each request (server/steered-error-prob.ts); `settings.ERROR_PROB` when absent. */
  errorProb?: () => number;
}

/** What a service module's routes get from the shared server. */
export interface ServiceContext {
  /** The service's own stream for its data (weather values, …), independent of the `ERROR_PROB` draws. */
  readonly random: Random;
  /** The clock, ms since the epoch. */
  readonly now: () => number;
  /** The service's book of idempotent writes. */
  readonly idempotency: IdempotencyStore;
}

/** One tool service: a name from the registry and its routes. */
export interface ToolService {
  readonly name: ServiceName;
  /**
   * Builds the service's routes. Shipped data files are loaded and validated here, once, so a broken
   * file stops the service at start rather than failing requests.
   */
  routes(ctx: ServiceContext): Router;
}

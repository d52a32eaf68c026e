/**
 * `createApp`: the Express app of one tool service, by name.
 */
import type { Express } from 'express';
import { builtinDeclaredTools, type ServiceName } from '@chaos-lab/common';
import { createServiceApp } from './server/app.js';
import type { ToolDeps } from './service.js';
import { TOOL_SERVICES } from './services/index.js';

/**
 * Builds the app of the tool service `service` (not listening; see `startToolService`).
 * @param service a registry service name, e.g. `weather`
 * @param deps settings, logger, seeded random source (conventionally
 *   `createRandom(settings.CHAOS_SEED).fork(service)`) and optional clock; `mcpTools` default: the
 *   service's built-in tools (common/src/builtin-tools.ts)
 * @throws {LabError} `INTERNAL` when the service's shipped data file is missing or invalid
 */
export function createApp(service: ServiceName, deps: ToolDeps): Express {
  return createServiceApp(TOOL_SERVICES[service], {
    ...deps,
    mcpTools: deps.mcpTools ?? builtinDeclaredTools(service),
  });
}

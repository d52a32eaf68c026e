/**
 * `createApp`: the Express app of one tool service, by name.
 */
import type { Express } from 'express';
import { loadLabFile, resolveFromRoot, type DeclaredTool, type ServiceName, type Settings } from '@chaos-lab/common';
import { createServiceApp } from './server/app.js';
import type { ToolDeps } from './service.js';
import { TOOL_SERVICES } from './services/index.js';

/**
 * Builds the app of the tool service `service` (not listening; see `startToolService`).
 * @param service a registry service name, e.g. `weather`
 * @param deps settings, logger, seeded random source (conventionally
 *   `createRandom(settings.CHAOS_SEED).fork(service)`) and optional clock; `mcpTools` default: the
 *   service's tools in the lab file ({@link builtinTools})
 * @throws {LabError} `INTERNAL` when the service's shipped data file is missing or invalid
 */
export function createApp(service: ServiceName, deps: ToolDeps): Express {
  return createServiceApp(TOOL_SERVICES[service], { ...deps, mcpTools: deps.mcpTools ?? builtinTools(service, deps.settings) });
}

/** The lab file shipped with the project: the seven services' declarations. */
export const DEFAULT_LAB_FILE = 'lab.yaml';

/**
 * The tools a built-in service offers at `/mcp`: its entry in the lab file (`LAB_FILE`), else in the
 * shipped `lab.yaml` (a lab file may leave a built-in service out, and `chaos-lab tool` still runs it).
 */
export function builtinTools(service: ServiceName, settings: Pick<Settings, 'LAB_FILE'>): readonly DeclaredTool[] {
  const declared = loadLabFile(settings.LAB_FILE).find((s) => s.name === service && s.run === 'builtin');
  return (declared ?? loadLabFile(resolveFromRoot(DEFAULT_LAB_FILE)).find((s) => s.name === service))?.tools ?? [];
}

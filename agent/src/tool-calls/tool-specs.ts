/**
 * The agent's ten tools as the model sees them (name, description, argument schema) and the HTTP
 * request each one makes to its service: the built-in tools of common/src/builtin-tools.ts, the one
 * description an MCP client and an agent under test see too. Which service answers a tool comes from
 * the lab file (`LAB_FILE`, tool-bindings.ts), never from here.
 *
 * Write tools (`writes: true`) send a `request_id`; the caller makes one per logical tool call and
 * reuses it for every attempt and the fallback, so a retry of a call whose first attempt did reach
 * the service has no second effect (the service answers the repeat with its first response).
 */
import { BUILTIN_TOOLS, mapToolRequest } from '@chaos-lab/common';
import type { z } from 'zod';
import type { ServiceRequest } from './service-http.js';

/** One tool: what the model is told, and how its arguments become a request. */
export interface ToolSpec<S extends z.ZodType = z.ZodObject> {
  /** The tool's name as the model sees it: one of the ten here, or a lab file's (tool-bindings.ts). */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description: string;
  /** The arguments, with a description per field (sent to the model as JSON Schema). */
  readonly schema: S;
  /** True when the tool changes state at the service, so its request carries a `request_id`. */
  readonly writes: boolean;
  /** The request for validated arguments; `requestId` is set for write tools. */
  request(args: z.output<S>, requestId: string): ServiceRequest;
}

/** The ten tools, in registry order (`TOOL_NAMES`). */
export const TOOL_SPECS: readonly ToolSpec[] = Object.freeze(
  BUILTIN_TOOLS.map(
    (tool): ToolSpec => ({
      name: tool.name,
      description: tool.description,
      schema: tool.schema,
      writes: tool.http.writes === true,
      request: (args, requestId) => mapToolRequest(tool, args, requestId),
    }),
  ),
);

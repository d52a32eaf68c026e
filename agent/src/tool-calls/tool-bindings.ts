/**
 * Which tools the agent gets, from the lab file (`LAB_FILE`): each tool bound to the service that
 * answers it and to the way it is called.
 *
 *   run: builtin        ─▶ the agent's own zod spec of the tool (tool-specs.ts), over TOOL_TRANSPORT
 *                          (http: the service's route; mcp: the service's /mcp)
 *   run: command/url/compose, transport http ─▶ a spec built from the declaration: the JSON Schema
 *                          becomes a zod schema (zod's `fromJSONSchema`), the `http` mapping the request
 *   run: url, transport mcp ─▶ the tools the MCP server lists (listMcpTools), each called over MCP
 */
import {
  LabError,
  labServices,
  mapToolRequest,
  proxyEndpoint,
  type DeclaredTool,
  type LabService,
  type ServiceRef,
  type Settings,
} from '@chaos-lab/common';
import { z } from 'zod';
import { LAB_MCP_PATH, listMcpTools, type McpEndpoint, type McpListedTool } from './mcp-call.js';
import type { ServiceRequest } from './service-http.js';
import { TOOL_SPECS, type ToolSpec } from './tool-specs.js';

/** One tool of the run: its spec, the service answering it, and, when it is called over MCP, the endpoint. */
export interface ToolBinding {
  readonly spec: ToolSpec<z.ZodType>;
  readonly service: ServiceRef;
  /** Set when the tool is called over MCP; absent: plain HTTP (spec.request). */
  readonly mcp?: McpEndpoint;
}

/** A JSON Schema as a zod schema, for LangChain's argument validation and the model's tool definition. */
function zodOf(schema: Record<string, unknown>): z.ZodType {
  return z.fromJSONSchema(schema as z.core.JSONSchema.JSONSchema);
}

/** A declared tool's spec: its JSON Schema as zod, and its `http` mapping as the request (with the base path of a url service). */
export function declaredToolSpec(tool: DeclaredTool, basePath = ''): ToolSpec<z.ZodType> {
  return {
    name: tool.name,
    description: tool.description,
    schema: zodOf(tool.arguments),
    writes: tool.http.writes === true,
    request: (args, requestId): ServiceRequest => {
      const mapped = mapToolRequest(tool, args as Record<string, unknown>, requestId);
      return { ...mapped, path: `${basePath}${mapped.path}` };
    },
  };
}

/** A listed MCP tool's spec (its request is never used: the tool is called over MCP). */
function listedToolSpec(tool: McpListedTool): ToolSpec<z.ZodType> {
  return {
    name: tool.name,
    description: tool.description ?? tool.name,
    schema: zodOf({ type: 'object', ...tool.inputSchema }),
    writes: false,
    request: () => ({ method: 'POST', path: LAB_MCP_PATH }),
  };
}

/**
 * The tools of a run, in lab file order.
 * @param settings `LAB_FILE`, `TOOL_TRANSPORT`, `PROXY_TIMEOUT_MS` (the deadline of listing an MCP server) and the proxy hosts and ports
 * @param services the lab's services (default: the lab file's)
 * @returns one binding per tool
 * @throws {LabError} `SERVICE_ABSENT` naming an MCP server whose tools could not be listed
 */
export async function toolBindings(
  settings: Settings,
  services: readonly LabService[] = labServices(settings),
): Promise<ToolBinding[]> {
  const bindings: ToolBinding[] = [];
  for (const service of services) {
    if (service.transport === 'mcp') {
      const listed = await listMcpServer(service, settings);
      for (const tool of listed.tools) bindings.push({ spec: listedToolSpec(tool), service, mcp: listed.endpoint });
      continue;
    }
    const mcp = service.run === 'builtin' && settings.TOOL_TRANSPORT === 'mcp' ? { path: LAB_MCP_PATH } : undefined;
    for (const tool of service.tools) {
      const own = service.run === 'builtin' ? TOOL_SPECS.find((s) => s.name === tool.name) : undefined;
      bindings.push({ spec: own ?? declaredToolSpec(tool, service.basePath), service, ...(mcp ? { mcp } : {}) });
    }
  }
  return bindings;
}

/** An external MCP server's tools, listed through its proxy. */
async function listMcpServer(service: LabService, settings: Settings) {
  const at = proxyEndpoint(service, settings);
  try {
    return await listMcpTools(at, service.basePath || LAB_MCP_PATH, settings.PROXY_TIMEOUT_MS);
  } catch (err) {
    throw new LabError(
      'SERVICE_ABSENT',
      `MCP server "${service.name}" (lab file) could not be listed through ${service.proxyName}: ${(err as Error).message}`,
    );
  }
}

/**
 * The lab's tool surface as an agent under test sees it: each tool as a plain HTTP call through its
 * proxy ({@link LabTool}), the proxies' URLs, and the way back from a request a service received to
 * the tool call it was.
 *
 * {@link labSurface} is the one place the agent-under-test harness reads the tool list and the proxy
 * URLs: the lab file's declaration (`LAB_FILE`), whose `http` mapping says where each argument goes,
 * so a tool service added by one entry reaches an agent under test too. External MCP servers
 * (`transport: mcp`) are left out: their tools are listed over MCP, not declared as HTTP calls.
 */
import { formatEndpoint, REQUEST_ID_FIELD, type DeclaredTool, type LabService } from '@chaos-lab/common';
import type { EndpointResolver } from '../tool-calls/tools.js';
import type { CallMade } from '../verdicts/verdict.js';
import type { LabTool } from './contract.js';

/** The tools and proxies of a run. */
export interface LabSurface {
  readonly tools: readonly LabTool[];
  /** Base URL through each service's proxy, by service name. */
  readonly proxies: Readonly<Record<string, string>>;
}

/** Which query or body fields carry which argument, per the tool's declared `http` mapping. */
function httpShape(
  tool: DeclaredTool,
  basePath: string,
): Pick<LabTool, 'method' | 'path' | 'query' | 'body' | 'requestId'> {
  const { http } = tool;
  const where = http.in ?? (http.method === 'POST' ? 'body' : 'query');
  const fields: Record<string, string> = {};
  for (const arg of Object.keys(tool.arguments.properties ?? {})) fields[http.rename?.[arg] ?? arg] = arg;
  const requestId = http.writes === true ? { field: REQUEST_ID_FIELD, in: where } : undefined;
  return {
    method: http.method,
    path: `${basePath}${http.path}`,
    query: where === 'query' ? fields : {},
    body: where === 'body' ? fields : {},
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/**
 * The tool surface of a run.
 * @param services the lab's tool services (the lab file's declaration, `labServices(settings)`)
 * @param endpoints where each service's proxy is (the run's resolver)
 * @returns every declared HTTP tool with its proxy URL and HTTP shape, in lab file order, and the proxies by service
 */
export function labSurface(services: readonly LabService[], endpoints: EndpointResolver): LabSurface {
  const proxies: Record<string, string> = {};
  const tools: LabTool[] = [];
  for (const service of services) {
    const url = `http://${formatEndpoint(endpoints(service).proxy)}`;
    proxies[service.name] = url;
    if (service.transport === 'mcp') continue;
    for (const tool of service.tools) {
      tools.push({
        name: tool.name,
        description: tool.description,
        parameters: tool.arguments,
        service: service.name,
        url,
        ...httpShape(tool, service.basePath),
      });
    }
  }
  return { tools, proxies };
}

/**
 * The tool call a request to a service was, read back through the tool's HTTP shape.
 * @param surface the run's surface
 * @param request the service, method and path received, and its query and body fields merged
 * @returns the tool and its arguments; undefined when no tool of the service makes such a request
 */
export function callFromRequest(
  surface: LabSurface,
  request: { service: string; method: string; path: string; fields: Readonly<Record<string, unknown>> },
): CallMade | undefined {
  const tool = surface.tools.find(
    (t) => t.service === request.service && t.method === request.method && t.path === request.path,
  );
  if (!tool) return undefined;
  const args: Record<string, unknown> = {};
  for (const [field, arg] of Object.entries({ ...tool.query, ...tool.body })) {
    if (request.fields[field] !== undefined) args[arg] = request.fields[field];
  }
  return { tool: tool.name, args };
}

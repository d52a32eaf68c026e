/**
 * The lab's tool surface as an agent under test sees it: each tool as a plain HTTP call through its
 * proxy ({@link LabTool}), the proxies' URLs, and the way back from a request a service received to
 * the tool call it was.
 *
 * {@link labSurface} is the one place the agent-under-test harness reads the tool list and the proxy
 * URLs (today from `TOOL_SPECS`, the registry and the run's endpoints). When the tools come from a
 * lab file (issue "Tools as data"), this function is what changes.
 *
 * How a tool maps to HTTP is not written twice: it is read off the tool's own request builder
 * (`ToolSpec.request`) by calling it once with a marker value per argument and finding where each
 * marker lands in the query or body.
 */
import { formatEndpoint, serviceForTool } from '@chaos-lab/common';
import { z } from 'zod';
import { TOOL_SPECS, type ToolSpec } from '../tool-specs.js';
import type { EndpointResolver } from '../tools.js';
import type { CallMade } from '../verdict.js';
import type { LabTool } from './contract.js';

/** The tools and proxies of a run. */
export interface LabSurface {
  readonly tools: readonly LabTool[];
  /** Base URL through each service's proxy, by service name. */
  readonly proxies: Readonly<Record<string, string>>;
}

const marker = (i: number) => `chaoslabarg${i}x`;
const REQUEST_ID_MARKER = 'chaoslabrequestidx';

/** Which query and body fields carry which argument, read off the spec's request builder. */
function httpShape(spec: ToolSpec): Pick<LabTool, 'method' | 'path' | 'query' | 'body' | 'requestId'> {
  const names = Object.keys(spec.schema.shape);
  const probe = Object.fromEntries(names.map((n, i) => [n, marker(i)]));
  const request = spec.request(probe as never, REQUEST_ID_MARKER);
  let requestId: LabTool['requestId'];
  const fields = (from: Readonly<Record<string, unknown>> | undefined, where: 'query' | 'body'): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [field, value] of Object.entries(from ?? {})) {
      if (value === REQUEST_ID_MARKER) requestId = { field, in: where };
      const i = names.findIndex((_, k) => value === marker(k));
      if (i >= 0) out[field] = names[i]!;
    }
    return out;
  };
  const query = fields(request.query as Record<string, unknown> | undefined, 'query');
  const body = fields(request.body as Record<string, unknown> | undefined, 'body');
  return { method: request.method as LabTool['method'], path: request.path, query, body, ...(requestId === undefined ? {} : { requestId }) };
}

/**
 * The tool surface of a run.
 * @param endpoints where each service's proxy is (the run's resolver)
 * @returns every tool with its proxy URL and HTTP shape, in registry order, and the proxies by service
 */
export function labSurface(endpoints: EndpointResolver): LabSurface {
  const proxies: Record<string, string> = {};
  const tools = TOOL_SPECS.map((spec): LabTool => {
    const service = serviceForTool(spec.name);
    const url = `http://${formatEndpoint(endpoints(service).proxy)}`;
    proxies[service.name] = url;
    const { $schema: _, ...parameters } = z.toJSONSchema(spec.schema, { io: 'input' }) as Record<string, unknown>;
    return { name: spec.name, description: spec.description, parameters, service: service.name, url, ...httpShape(spec) };
  });
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
  const tool = surface.tools.find((t) => t.service === request.service && t.method === request.method && t.path === request.path);
  if (!tool) return undefined;
  const args: Record<string, unknown> = {};
  for (const [field, arg] of Object.entries({ ...tool.query, ...tool.body })) {
    if (request.fields[field] !== undefined) args[arg] = request.fields[field];
  }
  return { tool: tool.name, args };
}

/**
 * Tool calls over MCP (Streamable HTTP, MCP specification 2025-06-18 "Transports"): one attempt is one
 * JSON-RPC `tools/call` POSTed to the service's MCP endpoint through its proxy, sent by the same
 * {@link sendAttempt} as an HTTP call, so it has the same deadline, `X-Request-Id`, outcome vocabulary
 * and records. The answer's JSON-RPC content then decides the outcome:
 *
 * | answer                                     | outcome                                                 |
 * |--------------------------------------------|---------------------------------------------------------|
 * | HTTP failure (timeout, reset, 5xx, …)       | as for HTTP                                             |
 * | result                                     | `ok`, body = the tool's text (JSON when it parses)      |
 * | result with `isError`                      | `http_error`, status = the lab service's inner request  |
 * |                                            | (`_meta["chaos-lab/http_status"]`), else the MCP answer's |
 * | JSON-RPC error                             | `http_error` with the MCP answer's status               |
 *
 * `http_status` is the status of the lab service's inner request when the answer gives it
 * (`_meta["chaos-lab/http_status"]`), else the status of the MCP answer itself.
 *
 * External MCP servers (a lab file's `transport: mcp`) are listed once at start with the SDK's own
 * client (`@modelcontextprotocol/sdk`), through their proxy; the session it opened (if the server keeps
 * sessions) is reused by every call.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { formatEndpoint, type Endpoint } from '@chaos-lab/common';
import { type AttemptResult, type ServiceRequest, sendAttempt } from './service-http.js';

/** The MCP endpoint of the lab's own tool services. */
export const LAB_MCP_PATH = '/mcp';

/** The `_meta` key under which a lab tool service gives the status of a call's inner request. */
export const HTTP_STATUS_META = 'chaos-lab/http_status';

/** An MCP endpoint as the calls address it: its path, and the session an external server gave at listing. */
export interface McpEndpoint {
  readonly path: string;
  readonly sessionId?: string;
  readonly protocolVersion?: string;
}

/** A tool as an MCP server lists it. */
export interface McpListedTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Record<string, unknown>;
}

let nextRpcId = 0;

/** The request of one `tools/call` attempt. */
export function mcpToolRequest(
  endpoint: McpEndpoint,
  tool: string,
  args: Readonly<Record<string, unknown>>,
): ServiceRequest {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': endpoint.protocolVersion ?? LATEST_PROTOCOL_VERSION,
  };
  if (endpoint.sessionId) headers['mcp-session-id'] = endpoint.sessionId;
  return {
    method: 'POST',
    path: endpoint.path,
    headers,
    body: { jsonrpc: '2.0', id: ++nextRpcId, method: 'tools/call', params: { name: tool, arguments: args } },
  };
}

/** The JSON-RPC message of an answer: the JSON body, or the last `data:` of an event stream. */
function rpcMessage(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  if (typeof body !== 'string') return undefined;
  const data = body
    .split(/\r?\n/)
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim());
  for (const line of data.reverse()) {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if ('result' in parsed || 'error' in parsed) return parsed;
    } catch {
      // not JSON: an event of another kind
    }
  }
  return undefined;
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads the tool result out of an HTTP-level answer (see the table in the file comment). */
export function mcpAttemptResult(http: AttemptResult): AttemptResult {
  if (http.outcome !== 'ok') return http;
  const message = rpcMessage(http.body);
  if (!message)
    return { ...http, outcome: 'http_error', body: http.body, error: `not an MCP answer (HTTP ${http.httpStatus})` };
  const error = message.error as { code?: number; message?: string } | undefined;
  if (error)
    return {
      ...http,
      outcome: 'http_error',
      body: message,
      error: `MCP error ${error.code ?? '?'}: ${error.message ?? ''}`,
    };
  const result = (message.result ?? {}) as {
    content?: Array<{ type: string; text?: string }>;
    structuredContent?: unknown;
    isError?: boolean;
    _meta?: Record<string, unknown>;
  };
  const text = (result.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text ?? '')
    .join('\n');
  const body = result.structuredContent ?? parseText(text);
  const inner = result._meta?.[HTTP_STATUS_META];
  const status = typeof inner === 'number' ? inner : http.httpStatus;
  if (!result.isError) return { ...http, httpStatus: status, body };
  const simulated =
    http.simulated ||
    (typeof body === 'object' && body !== null && (body as { simulated?: unknown }).simulated === true);
  const reason =
    typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
      ? (body as { error: string }).error
      : text.slice(0, 200);
  return {
    ...http,
    outcome: 'http_error',
    httpStatus: status,
    body,
    simulated,
    error: `MCP tool error${typeof inner === 'number' ? ` (HTTP ${inner})` : ''}: ${reason}`,
  };
}

/** Sends one MCP attempt: {@link sendAttempt}, then {@link mcpAttemptResult}. Never throws. */
export const sendMcpAttempt: typeof sendAttempt = async (endpoint, req, options) =>
  mcpAttemptResult(await sendAttempt(endpoint, req, options));

/**
 * Lists an MCP server's tools with the SDK's client.
 * @param at where to reach it (its proxy), and `path`, its MCP endpoint
 * @param timeoutMs deadline of each MCP request, ms
 * @returns the tools, and the endpoint with the session the server opened (if any)
 * @throws {Error} when the server cannot be reached or does not answer as an MCP server
 */
export async function listMcpTools(
  at: Endpoint,
  path: string,
  timeoutMs: number,
): Promise<{ tools: McpListedTool[]; endpoint: McpEndpoint }> {
  const transport = new StreamableHTTPClientTransport(new URL(`http://${formatEndpoint(at)}${path}`));
  const client = new Client({ name: 'chaos-lab-agent', version: '0.1.0' });
  try {
    await client.connect(transport, { timeout: timeoutMs });
    const { tools } = await client.listTools(undefined, { timeout: timeoutMs });
    const endpoint: McpEndpoint = {
      path,
      ...(transport.sessionId ? { sessionId: transport.sessionId } : {}),
      ...(transport.protocolVersion ? { protocolVersion: transport.protocolVersion } : {}),
    };
    return {
      tools: tools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema as Record<string, unknown>,
      })),
      endpoint,
    };
  } finally {
    // Closes the client's streams only; the session stays open at the server for the calls.
    await transport.close();
  }
}

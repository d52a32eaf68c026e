/**
 * `/mcp`: every tool service is also an MCP server over Streamable HTTP (MCP specification
 * 2025-06-18, "Transports"), built on the official SDK (`@modelcontextprotocol/sdk`).
 *
 *   MCP client ──POST /mcp (JSON-RPC)──▶ proxy ──▶ tool service: /mcp
 *        tools/list ─▶ the service's declared tools (lab file: name, description, JSON Schema)
 *        tools/call ─▶ one HTTP request to the service's own route (lab file `http` mapping),
 *                      through the same planned errors and ERROR_PROB as any request
 *
 * Stateless (no session id) with JSON answers: each POST is answered by a fresh server, so a client
 * can call a tool in one request, and every request crosses the proxy on its own, meeting its toxics
 * as an HTTP request does. The endpoint is mounted before the fault middlewares: the fault falls on
 * the inner request (the tool's real work) once, and the MCP answer reports it as a tool error with
 * its HTTP status in `_meta` (`chaos-lab/http_status`), so the fault is neither hidden nor drawn twice.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  ANNOUNCED_HEADER,
  formatEndpoint,
  mapToolRequest,
  REQUEST_ID_FIELD,
  type DeclaredTool,
  type Logger,
} from '@chaos-lab/common';
import express, { type Request, type Router } from 'express';
import type { AnnounceAttempt } from '../server/announce.js';

/** Where the endpoint is mounted on each tool service. */
export const MCP_PATH = '/mcp';

/** The `_meta` key of a tool result that carries the status of the inner HTTP request. */
export const HTTP_STATUS_META = 'chaos-lab/http_status';

/** The server's name and version as told to MCP clients in `initialize`. */
const SERVER_VERSION = '0.1.0';

/** The tool as listed: its JSON Schema, with the optional `request_id` of a write tool (its idempotency key). */
function listed(tool: DeclaredTool) {
  const schema = tool.arguments as { type: 'object'; properties?: Record<string, object> };
  if (!tool.http.writes) return { name: tool.name, description: tool.description, inputSchema: schema };
  const properties = {
    ...schema.properties,
    [REQUEST_ID_FIELD]: {
      type: 'string',
      description: 'idempotency key: repeat it on a retry of the same call, and the service writes once',
    },
  };
  return { name: tool.name, description: tool.description, inputSchema: { ...schema, properties } };
}

/** The service's own address as the MCP request reached it (a wildcard bind answers there too). */
function selfOrigin(req: Request): string {
  const host = req.socket.localAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  return `http://${formatEndpoint({ host, port: req.socket.localPort ?? 0 })}`;
}

/** Makes the inner request of one `tools/call` and turns its answer into an MCP tool result. */
async function callThrough(
  origin: string,
  tool: DeclaredTool,
  args: Record<string, unknown>,
  requestId: string | undefined,
  announced: boolean,
): Promise<CallToolResult> {
  const mapped = mapToolRequest(tool, args);
  const url = new URL(`${origin}${mapped.path}`);
  for (const [k, v] of Object.entries(mapped.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (requestId) headers['x-request-id'] = requestId;
  if (announced) headers[ANNOUNCED_HEADER] = '1';
  if (mapped.body) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: mapped.method,
    headers,
    body: mapped.body ? JSON.stringify(mapped.body) : undefined,
  });
  const text = await res.text();
  const meta: Record<string, unknown> = { [HTTP_STATUS_META]: res.status };
  const retryAfter = res.headers.get('retry-after');
  if (retryAfter) meta['chaos-lab/retry_after'] = retryAfter;
  return { content: [{ type: 'text', text }], isError: !res.ok, _meta: meta };
}

/**
 * The `/mcp` routes of one service.
 * @param serviceName named in `initialize` (`chaos-lab-<service>`)
 * @param tools the service's declared tools (lab file)
 * @param logger the service's logger
 * @param announce announces a `tools/call` of an agent under test to the fault schedule before the call,
 *   its end being the MCP answer's (server/announce.ts); none announced when absent
 * @returns a router answering POST /mcp, and 405 to GET and DELETE (no sessions, no server stream)
 */
export function mcpRouter(
  serviceName: string,
  tools: readonly DeclaredTool[],
  logger: Logger,
  announce?: AnnounceAttempt,
): Router {
  const router = express.Router();
  const byName = new Map(tools.map((t) => [t.name, t]));
  router.post(MCP_PATH, express.json({ limit: 64 * 1024 }), async (req, res) => {
    const server = new Server(
      { name: `chaos-lab-${serviceName}`, version: SERVER_VERSION },
      { capabilities: { tools: {} } },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(listed) }));
    server.setRequestHandler(CallToolRequestSchema, async (call): Promise<CallToolResult> => {
      const tool = byName.get(call.params.name);
      if (!tool)
        return {
          content: [
            {
              type: 'text',
              text: `unknown tool "${call.params.name}": this service has ${[...byName.keys()].join(', ')}`,
            },
          ],
          isError: true,
        };
      const requestId = req.get('x-request-id');
      // The lab's own agent announced its attempt itself.
      const announcedBySender = req.get(ANNOUNCED_HEADER) !== undefined;
      if (!announcedBySender) await announce?.(requestId, tool.name, res);
      return callThrough(
        selfOrigin(req),
        tool,
        call.params.arguments ?? {},
        requestId,
        announcedBySender || announce !== undefined,
      );
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      logger.error({ err }, 'mcp request failed');
      if (!res.headersSent)
        res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'internal error' }, id: null });
    }
  });
  const notAllowed = (_req: Request, res: express.Response) => {
    res
      .status(405)
      .set('allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'method not allowed: this MCP server is stateless (POST only)' },
        id: null,
      });
  };
  router.get(MCP_PATH, notAllowed);
  router.delete(MCP_PATH, notAllowed);
  return router;
}

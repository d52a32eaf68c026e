/**
 * How a call of a declared tool becomes one HTTP request (the lab file's `http` field). The agent's
 * HTTP transport and the tool services' MCP endpoint both use it, so a tool means the same request
 * whichever way it is reached.
 */
import type { DeclaredTool } from './schema.js';

/** The argument a write tool carries its idempotency key in, in the query or the body. */
export const REQUEST_ID_FIELD = 'request_id';

/** An HTTP request to a tool service, before it is addressed (the agent's `ServiceRequest` shape). */
export interface MappedRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path without query, e.g. `/quote`. */
  readonly path: string;
  /** Query parameters (`in: query`); scalars as given, objects and arrays as JSON text. */
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** JSON body (`in: body`). */
  readonly body?: Readonly<Record<string, unknown>>;
}

function queryValue(v: unknown): string | number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/**
 * The request of one call.
 * @param tool the declared tool (its `http` mapping)
 * @param args the call's arguments (validated against the tool's JSON Schema by the caller)
 * @param requestId for a write tool (`http.writes`): the call's idempotency key, sent as `request_id`
 *   unless the arguments already carry one
 * @returns method, path, and the arguments (renamed per `http.rename`) in the query or the body
 */
export function mapToolRequest(
  tool: Pick<DeclaredTool, 'http'>,
  args: Readonly<Record<string, unknown>>,
  requestId?: string,
): MappedRequest {
  const { http } = tool;
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) named[http.rename?.[key] ?? key] = value;
  if (http.writes && requestId !== undefined && named[REQUEST_ID_FIELD] === undefined)
    named[REQUEST_ID_FIELD] = requestId;
  const where = http.in ?? (http.method === 'POST' ? 'body' : 'query');
  if (where === 'body') return { method: http.method, path: http.path, body: named };
  const query: Record<string, string | number | undefined> = {};
  for (const [key, value] of Object.entries(named)) query[key] = queryValue(value);
  return { method: http.method, path: http.path, query };
}

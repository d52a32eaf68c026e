/**
 * The lab file's schema (`lab.yaml`, `LAB_FILE`): the tool services of a lab, as data.
 *
 *   services:
 *     - name: weather            one entry = one tool service = one proxy (`weather_proxy`)
 *       run: builtin             builtin | command | url | compose
 *       port: 5001               the service's port (builtin, command, compose: shifted by PORT_OFFSET)
 *       proxyPort: 6001          optional: 6000 + the entry's position when left out
 *       health: /health          GET path answering 2xx when the service is up
 *       tools:                   what the agent (and an MCP client) sees; none with run: builtin
 *                                (the built-in tools are the lab's own: builtin-tools.ts)
 *         - name: get_weather
 *           description: …
 *           arguments: { type: object, properties: {…}, required: […] }   JSON Schema
 *           http: { method: GET, path: /weather, in: query }
 *
 * `run: url` with `transport: mcp` declares an external MCP server: the lab proxies it and the agent
 * lists its tools over MCP, so it has no `tools`. Every rule is a zod rule, so a bad file gives one
 * line per problem naming its path (`services[2].port: …`), as the experiment files do.
 */
import { z } from 'zod';
import { getService, SERVICE_NAMES } from '../registry.js';

/** True for the name of a built-in service. */
function isServiceName(name: string): boolean {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/** How a tool service runs: the lab's own (`builtin`), a command the lab starts, an existing URL, or a compose service. */
export const RUN_KINDS = ['builtin', 'command', 'url', 'compose'] as const;

/** How the agent speaks to a service: plain HTTP requests, or MCP over Streamable HTTP. */
export const TOOL_TRANSPORTS = ['http', 'mcp'] as const;

const NAME = /^[a-z][a-z0-9_]{0,39}$/;
/** OpenAI's and Groq's rule for a function name, which is what a tool name becomes. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const port = z
  .number({ error: 'must be a TCP port (an integer from 1 to 65535)' })
  .int('must be a TCP port (an integer from 1 to 65535)')
  .min(1, 'must be a TCP port (an integer from 1 to 65535)')
  .max(65535, 'must be a TCP port (an integer from 1 to 65535)');

/** The JSON Schema of a tool's arguments: an object schema (the rest of its keywords are passed on as written). */
const argumentsSchema = z
  .looseObject({
    type: z.literal('object', { error: 'must be "object" (a tool takes an object of named arguments)' }),
    properties: z
      .record(z.string(), z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema (an object)' }))
      .optional(),
    required: z.array(z.string()).optional(),
  })
  .describe('JSON Schema of the arguments');

/** How a tool call becomes one HTTP request to its service. */
const httpMapping = z
  .strictObject({
    method: z.enum(['GET', 'POST', 'DELETE'], { error: 'must be GET, POST or DELETE' }),
    path: z.string().regex(/^\/[^?#\s]*$/, 'must be a path starting with "/" (no query)'),
    in: z
      .enum(['query', 'body'], { error: 'must be query or body' })
      .optional()
      .describe('where the arguments go; default: query for GET and DELETE, body for POST'),
    rename: z
      .record(z.string(), z.string())
      .optional()
      .describe('argument name → name in the request, e.g. { query: q }'),
    writes: z
      .boolean()
      .optional()
      .describe('true: the call changes state, and carries a request_id reused by every attempt of the call'),
  })
  .describe('how a call maps to HTTP');

const toolSchema = z.strictObject({
  name: z.string().regex(TOOL_NAME, 'must be 1 to 64 letters, digits, "_" or "-"'),
  description: z.string().min(1, 'must say what the tool does'),
  arguments: argumentsSchema,
  http: httpMapping,
});

const serviceSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'must be a lowercase name: a letter, then letters, digits or "_" (at most 40)'),
    run: z.enum(RUN_KINDS, { error: `must be one of ${RUN_KINDS.join(', ')}` }),
    port: port.optional().describe('the service port (run: url takes it from url)'),
    proxyPort: port.optional(),
    health: z
      .string()
      .regex(/^\/\S*$/, 'must be a path starting with "/"')
      .default('/health'),
    command: z.array(z.string().min(1)).min(1, 'must be a list: the program and its arguments').optional(),
    // Plain HTTP only: the agent speaks to the proxy, and a proxy carries bytes, so TLS would reach a server named otherwise.
    url: z
      .url({ protocol: /^http$/, error: 'must be an http:// URL (the proxy in front of it carries plain HTTP)' })
      .optional(),
    compose: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must be a compose service name')
      .optional(),
    transport: z.enum(TOOL_TRANSPORTS, { error: 'must be http or mcp' }).default('http'),
    tools: z.array(toolSchema).optional(),
  })
  .superRefine((s, ctx) => {
    const need = (field: keyof typeof s, why: string) => {
      if (s[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required ${why}` });
    };
    const refuse = (field: keyof typeof s, why: string) => {
      if (s[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is not allowed ${why}` });
    };
    if (s.run === 'builtin' && !isServiceName(s.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `must be one of the built-in services (${SERVICE_NAMES.join(', ')}) with run: builtin`,
      });
    }
    if (s.run === 'command') need('command', 'with run: command (the program and its arguments)');
    else refuse('command', `with run: ${s.run}`);
    if (s.run === 'url') {
      need('url', 'with run: url');
      refuse('port', "with run: url (the port is the URL's)");
    } else {
      refuse('url', `with run: ${s.run}`);
      need('port', `with run: ${s.run}`);
    }
    if (s.run !== 'compose') refuse('compose', `with run: ${s.run}`);
    if (s.run === 'builtin') {
      refuse('tools', "with run: builtin (a built-in service's tools are the lab's own)");
    } else if (s.transport === 'mcp') {
      if (s.run !== 'url')
        ctx.addIssue({
          code: 'custom',
          path: ['transport'],
          message: "mcp is for run: url (an external MCP server); the lab's own services speak MCP at /mcp anyway",
        });
      refuse('tools', 'with transport: mcp (the agent lists them from the server)');
    } else if (!s.tools || s.tools.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tools'],
        message: 'must list at least one tool (name, description, arguments, http)',
      });
    }
  });

/** The lab file. */
export const labFileSchema = z
  .strictObject({
    services: z.array(serviceSchema).min(1, 'must declare at least one tool service'),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    const unique = (key: string, path: PropertyKey[], what: string) => {
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path, message: `${what} is already used by ${first}` });
      else seen.set(key, `services[${String(path[1])}]`);
    };
    file.services.forEach((s, i) => {
      unique(`service:${s.name}`, ['services', i, 'name'], `"${s.name}"`);
      if (s.proxyPort !== undefined)
        unique(`proxyPort:${s.proxyPort}`, ['services', i, 'proxyPort'], `proxy port ${s.proxyPort}`);
      if (s.run === 'builtin' && isServiceName(s.name))
        for (const t of getService(s.name).tools) unique(`tool:${t}`, ['services', i, 'name'], `tool "${t}"`);
      s.tools?.forEach((t, j) => {
        unique(`tool:${t.name}`, ['services', i, 'tools', j, 'name'], `tool "${t.name}"`);
      });
    });
  });

/** A lab file as written (after defaults). */
export type LabFile = z.output<typeof labFileSchema>;

/** One declared service as written. */
export type DeclaredService = LabFile['services'][number];

/** One declared tool: name, description, JSON Schema of the arguments, HTTP mapping. */
export type DeclaredTool = z.output<typeof toolSchema>;

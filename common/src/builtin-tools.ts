/**
 * The ten built-in tools, described once: what the model is told (name, description, the arguments
 * with a description and an exact error message each) and how a call becomes its service's HTTP
 * request (the lab file's `http` mapping, lab-file/http-mapping.ts). Which service answers a tool is
 * the registry's (`SERVICES`).
 *
 * Every reader takes them from here: the agent's LangChain tools (their zod schemas), the lab file's
 * built-in services (`run: builtin` declares no tools: {@link builtinDeclaredTools}), and through it the
 * tool services' `/mcp` endpoint and what an agent under test is shown (JSON Schema made from the zod
 * schemas). The services' own routes validate what they receive on their own terms (their limits).
 *
 * Write tools (`http.writes`) carry a `request_id`: the caller makes one per logical tool call and
 * reuses it for every attempt and the fallback, so a retry of a call whose first attempt did reach the
 * service has no second effect (the service answers the repeat with its first response).
 */
import { z } from 'zod';
import type { DeclaredTool } from './lab-file/schema.js';
import { getService, type ToolName } from './registry.js';

/** One built-in tool. */
export interface BuiltinTool {
  /** The tool's name as the model sees it. */
  readonly name: ToolName;
  /** What the tool does, for the model. */
  readonly description: string;
  /** The arguments, with a description per field (sent to the model as JSON Schema). */
  readonly schema: z.ZodObject;
  /** How a call becomes one HTTP request to the service (`writes`: it carries a `request_id`). */
  readonly http: DeclaredTool['http'];
}

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .describe('calendar date as YYYY-MM-DD (resolve words like "tomorrow" against today\'s date first)');
const languageName = (what: string) =>
  z
    .string()
    .min(1)
    .describe(`${what} language: an ISO 639-1 code (en, es, fr, de, it, pt) or its English name ("Spanish")`);

/** The paging arguments of a read that answers one page at a time (`page`, `per_page`, with `total` and `total_pages` in the answer). */
const paging = (what: string, perPage: number, maxPerPage: number) => ({
  page: z.coerce.number().int().min(1).optional().describe('result page, from 1'),
  per_page: z.coerce.number().int().min(1).max(maxPerPage).optional().describe(`${what} per page (default ${perPage})`),
});

/** The ten tools, in registry order (`TOOL_NAMES`). */
export const BUILTIN_TOOLS: readonly BuiltinTool[] = Object.freeze([
  {
    name: 'search_web',
    description: 'Search the web. Returns the best matching pages (title, url, snippet), best first.',
    schema: z.object({ query: z.string().min(1).describe('what to search for, in plain words') }),
    http: { method: 'GET', path: '/search', in: 'query', rename: { query: 'q' } },
  },
  {
    name: 'get_weather',
    description: 'Current weather in a city: temperature (°C), feels-like, humidity, wind and conditions.',
    schema: z.object({ city: z.string().min(1).describe('city name, e.g. "New York" or "Paris"') }),
    http: { method: 'GET', path: '/weather', in: 'query' },
  },
  {
    name: 'search_movie',
    description:
      'Find films by title (or original title). Returns name, original name, year, genres, language and overview.',
    schema: z.object({
      query: z.string().min(1).describe('film title or part of it'),
      language: z
        .string()
        .regex(/^[a-zA-Z]{2}$/, 'must be a two-letter ISO 639-1 code')
        .optional()
        .describe('only films in this original language (ISO 639-1, e.g. "fr")'),
      ...paging('results', 10, 50),
    }),
    http: { method: 'GET', path: '/movies', in: 'query' },
  },
  {
    name: 'get_events',
    description:
      'List the calendar events of one day, sorted by time, a page at a time (the answer gives total and total_pages).',
    schema: z.object({ date, ...paging('events', 20, 100) }),
    http: { method: 'GET', path: '/events', in: 'query' },
  },
  {
    name: 'add_event',
    description: 'Add an event to the calendar.',
    schema: z.object({
      title: z.string().min(1).describe('event title, e.g. "Team Meeting"'),
      date,
      time: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time as HH:MM')
        .describe('start time as 24-hour HH:MM, e.g. "14:00" for 2 PM'),
    }),
    http: { method: 'POST', path: '/events', in: 'body', writes: true },
  },
  {
    name: 'delete_events',
    description: 'Delete every calendar event of one day. Returns how many were deleted.',
    schema: z.object({ date }),
    http: { method: 'DELETE', path: '/events', in: 'query', writes: true },
  },
  {
    name: 'calculate',
    description: 'Evaluate an arithmetic expression exactly, e.g. "15 * 23 + 47" or "sqrt(2) ^ 2".',
    schema: z.object({
      expression: z
        .string()
        .min(1)
        .describe('the expression with digits and operators (+ - * / ^ parentheses, functions like sqrt)'),
    }),
    http: { method: 'POST', path: '/calculate', in: 'body' },
  },
  {
    name: 'send_message',
    description: 'Send a message to someone.',
    schema: z.object({
      to: z.string().min(1).describe('the recipient, e.g. "Alice"'),
      body: z.string().min(1).describe('the text of the message'),
    }),
    http: { method: 'POST', path: '/messages', in: 'body', writes: true },
  },
  {
    name: 'read_inbox',
    description: 'Read the message inbox, newest first, a page at a time (the answer gives total and total_pages).',
    schema: z.object(paging('messages', 20, 100)),
    http: { method: 'GET', path: '/inbox', in: 'query' },
  },
  {
    name: 'translate',
    description: 'Translate text between languages (en, es, fr, de, it, pt).',
    schema: z.object({
      text: z.string().min(1).describe('the text to translate, without surrounding quotes'),
      source_language: languageName('source').describe(
        'source language: ISO 639-1 code, English name, or "auto" to detect it',
      ),
      target_language: languageName('target'),
    }),
    http: { method: 'POST', path: '/translate', in: 'body', writes: true },
  },
] satisfies BuiltinTool[]);

/**
 * A built-in tool as the lab file declares a tool: its arguments as JSON Schema (from the zod schema,
 * as the model's input: coerced numbers are integers).
 */
export function declaredBuiltinTool(tool: BuiltinTool): DeclaredTool {
  const { $schema: _, ...schema } = z.toJSONSchema(tool.schema, { io: 'input' }) as Record<string, unknown>;
  return {
    name: tool.name,
    description: tool.description,
    arguments: schema as DeclaredTool['arguments'],
    http: tool.http,
  };
}

/**
 * The tools a built-in service offers, declared as a lab file declares tools (what `/mcp` lists and an
 * agent under test is shown).
 * @param service a built-in service's name, e.g. `calendar`
 * @returns its tools, in registry order
 * @throws {LabError} `UNKNOWN_SERVICE` when it is not a built-in service
 */
export function builtinDeclaredTools(service: string): readonly DeclaredTool[] {
  return getService(service).tools.map((name) => declaredBuiltinTool(BUILTIN_TOOLS.find((t) => t.name === name)!));
}

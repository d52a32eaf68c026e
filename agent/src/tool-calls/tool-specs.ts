/**
 * The agent's ten tools as the model sees them (name, description, argument schema) and the HTTP
 * request each one makes to its service (TOOL_API.md, the tool services' contract). Which service
 * answers a tool comes from the lab file (`LAB_FILE`, tool-bindings.ts), never from here. The lab
 * file's declarations of these ten (`lab.yaml`) are what an MCP client sees; the agent keeps these zod
 * schemas for its own HTTP calls, with their exact messages (a test holds the two in step).
 *
 * Write tools (`writes: true`) send a `request_id`; the caller makes one per logical tool call and
 * reuses it for every attempt and the fallback, so a retry of a call whose first attempt did reach
 * the service has no second effect (the service answers the repeat with its first response).
 */
import { z } from 'zod';
import type { ServiceRequest } from './service-http.js';

/** One tool: what the model is told, and how its arguments become a request. */
export interface ToolSpec<S extends z.ZodType = z.ZodObject> {
  /** The tool's name as the model sees it: one of the ten here, or a lab file's (declared-tools.ts). */
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

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .describe('calendar date as YYYY-MM-DD (resolve words like "tomorrow" against today\'s date first)');
const languageName = (what: string) =>
  z.string().min(1).describe(`${what} language: an ISO 639-1 code (en, es, fr, de, it, pt) or its English name ("Spanish")`);

/** The paging arguments of a read that answers one page at a time (`page`, `per_page`, with `total` and `total_pages` in the answer). */
const paging = (what: string, perPage: number, maxPerPage: number) => ({
  page: z.coerce.number().int().min(1).optional().describe('result page, from 1'),
  per_page: z.coerce.number().int().min(1).max(maxPerPage).optional().describe(`${what} per page (default ${perPage})`),
});

function spec<S extends z.ZodObject>(s: ToolSpec<S>): ToolSpec {
  return s as unknown as ToolSpec;
}

/** The ten tools, in registry order (`TOOL_NAMES`). */
export const TOOL_SPECS: readonly ToolSpec[] = Object.freeze([
  spec({
    name: 'search_web',
    description: 'Search the web. Returns the best matching pages (title, url, snippet), best first.',
    schema: z.object({ query: z.string().min(1).describe('what to search for, in plain words') }),
    writes: false,
    request: (a) => ({ method: 'GET', path: '/search', query: { q: a.query } }),
  }),
  spec({
    name: 'get_weather',
    description: 'Current weather in a city: temperature (°C), feels-like, humidity, wind and conditions.',
    schema: z.object({ city: z.string().min(1).describe('city name, e.g. "New York" or "Paris"') }),
    writes: false,
    request: (a) => ({ method: 'GET', path: '/weather', query: { city: a.city } }),
  }),
  spec({
    name: 'search_movie',
    description: 'Find films by title (or original title). Returns name, original name, year, genres, language and overview.',
    schema: z.object({
      query: z.string().min(1).describe('film title or part of it'),
      language: z.string().regex(/^[a-zA-Z]{2}$/, 'must be a two-letter ISO 639-1 code').optional().describe('only films in this original language (ISO 639-1, e.g. "fr")'),
      ...paging('results', 10, 50),
    }),
    writes: false,
    request: (a) => ({ method: 'GET', path: '/movies', query: { query: a.query, language: a.language?.toLowerCase(), page: a.page, per_page: a.per_page } }),
  }),
  spec({
    name: 'get_events',
    description: 'List the calendar events of one day, sorted by time, a page at a time (the answer gives total and total_pages).',
    schema: z.object({ date, ...paging('events', 20, 100) }),
    writes: false,
    request: (a) => ({ method: 'GET', path: '/events', query: { date: a.date, page: a.page, per_page: a.per_page } }),
  }),
  spec({
    name: 'add_event',
    description: 'Add an event to the calendar.',
    schema: z.object({
      title: z.string().min(1).describe('event title, e.g. "Team Meeting"'),
      date,
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time as HH:MM').describe('start time as 24-hour HH:MM, e.g. "14:00" for 2 PM'),
    }),
    writes: true,
    request: (a, requestId) => ({ method: 'POST', path: '/events', body: { title: a.title, date: a.date, time: a.time, request_id: requestId } }),
  }),
  spec({
    name: 'delete_events',
    description: 'Delete every calendar event of one day. Returns how many were deleted.',
    schema: z.object({ date }),
    writes: true,
    request: (a, requestId) => ({ method: 'DELETE', path: '/events', query: { date: a.date, request_id: requestId } }),
  }),
  spec({
    name: 'calculate',
    description: 'Evaluate an arithmetic expression exactly, e.g. "15 * 23 + 47" or "sqrt(2) ^ 2".',
    schema: z.object({ expression: z.string().min(1).describe('the expression with digits and operators (+ - * / ^ parentheses, functions like sqrt)') }),
    writes: false,
    request: (a) => ({ method: 'POST', path: '/calculate', body: { expression: a.expression } }),
  }),
  spec({
    name: 'send_message',
    description: 'Send a message to someone.',
    schema: z.object({
      to: z.string().min(1).describe('the recipient, e.g. "Alice"'),
      body: z.string().min(1).describe('the text of the message'),
    }),
    writes: true,
    request: (a, requestId) => ({ method: 'POST', path: '/messages', body: { to: a.to, body: a.body, request_id: requestId } }),
  }),
  spec({
    name: 'read_inbox',
    description: 'Read the message inbox, newest first, a page at a time (the answer gives total and total_pages).',
    schema: z.object(paging('messages', 20, 100)),
    writes: false,
    request: (a) => ({ method: 'GET', path: '/inbox', query: { page: a.page, per_page: a.per_page } }),
  }),
  spec({
    name: 'translate',
    description: 'Translate text between languages (en, es, fr, de, it, pt).',
    schema: z.object({
      text: z.string().min(1).describe('the text to translate, without surrounding quotes'),
      source_language: languageName('source').describe('source language: ISO 639-1 code, English name, or "auto" to detect it'),
      target_language: languageName('target'),
    }),
    writes: true,
    request: (a, requestId) => ({
      method: 'POST',
      path: '/translate',
      body: { text: a.text, source_language: a.source_language, target_language: a.target_language, request_id: requestId },
    }),
  }),
]);

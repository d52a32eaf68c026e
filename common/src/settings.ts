/**
 * Settings: one zod schema for every variable the lab reads, validated once, failing fast.
 *
 * Sources, highest first: the real environment, then `.env` at the project root (when present), then
 * the defaults below. Empty strings count as unset, so compose files can pass `${VAR:-}` through. A bad
 * value throws a {@link LabError} `SETTINGS_INVALID` whose message has one line per bad variable, of the
 * form `TOXIC_PROB=1.5: must be a number from 0 to 1`; nothing ever falls back silently.
 *
 * To add a setting: add it to {@link settingsShape} with a `describe()` text (the README and
 * `.env.example` tables are written from these) and use it through {@link Settings}.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { isLabError, LabError } from './errors.js';
import { PROJECT_ROOT, resolveFromRoot } from './paths.js';
import { checkLabPaths } from './preflight.js';
import { freshSeed } from './random.js';
import { labFileProblems } from './lab-file/services.js';
import { AGENT_METRICS_PORT, PROXY_MANAGER_PORT, TOXIPROXY_API_PORT } from './registry.js';

/** The toxic types Toxiproxy 2.12.0 knows (reference: toxiproxy-api.md, "Toxics"). */
export const TOXIC_TYPES = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
  'noop',
] as const;

/** The LLM faults the model gateway can inject (model/src/gateway/faults.ts says what each does). */
export const LLM_FAULT_KINDS = [
  'rate_limit',
  'server_error',
  'bad_gateway',
  'unavailable',
  'unauthorized',
  'context_length',
  'hang',
  'slow_first_token',
  'slow_stream',
  'stream_cut',
  'malformed_json',
  'bad_tool_args',
  'unknown_tool',
  'empty_completion',
] as const;

/** One LLM fault kind. */
export type LlmFaultKind = (typeof LLM_FAULT_KINDS)[number];

/** A comma list of non-negative integers (model call numbers, prompt indexes); unset: none. */
function intList(what: string) {
  return raw.transform((v, ctx): number[] => {
    if (v === undefined) return [];
    const list = v.split(',').map((t) => t.trim()).filter(Boolean);
    if (!list.every((t) => /^\d+$/.test(t))) return fail(ctx, `must be a comma list of ${what}`);
    return [...new Set(list.map(Number))];
  });
}

/** A Toxiproxy toxic type name. */
export type ToxicType = (typeof TOXIC_TYPES)[number];

type RawEnv = Record<string, string | undefined>;

/** A variable's raw text, with empty strings treated as unset. */
const raw = z.string().optional().transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

/** A number in [min, max]; `integer` rejects fractions. */
function num<D extends number | undefined>(def: D, min: number, max: number, opts: { integer?: boolean; what?: string } = {}) {
  const what = opts.what ?? (opts.integer ? 'an integer' : 'a number');
  const rule = max === Number.MAX_SAFE_INTEGER ? `${what} of at least ${min}` : `${what} from ${min} to ${max}`;
  return raw.transform((v, ctx): number | D => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (opts.integer && !Number.isInteger(n))) return fail(ctx, `must be ${rule}`);
    return n;
  });
}

/** A probability in [0, 1]. */
const prob = (def: number) => num(def, 0, 1);

/** One of a fixed set of words (case-insensitive). */
function oneOf<const T extends readonly string[]>(def: T[number], allowed: T) {
  return raw.transform((v, ctx): T[number] => {
    if (v === undefined) return def;
    const lower = v.toLowerCase();
    if (!(allowed as readonly string[]).includes(lower)) return fail(ctx, `must be one of ${allowed.join(', ')}`);
    return lower as T[number];
  });
}

/** Free text with a default (or none). */
function text(): z.ZodType<string | undefined, string | undefined>;
function text(def: string): z.ZodType<string, string | undefined>;
function text(def?: string): z.ZodType<string | undefined, string | undefined> {
  return raw.transform((v) => v ?? def);
}

/** An inclusive integer range `MIN-MAX` (or one number `N`, meaning N-N), in [lo, hi]. */
function range(def: [number, number], lo: number, hi: number) {
  return raw.transform((v, ctx): { min: number; max: number } => {
    if (v === undefined) return { min: def[0], max: def[1] };
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(v);
    const min = m ? Number(m[1]) : NaN;
    const max = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || min > max || min < lo || max > hi) return fail(ctx, `must be MIN-MAX (or one number) with ${lo} <= MIN <= MAX <= ${hi}`);
    return { min, max };
  });
}

/** An http(s) URL. */
function url(def?: string) {
  return raw.transform((v, ctx) => {
    if (v === undefined) return def;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v.replace(/\/+$/, '');
    } catch {
      return fail(ctx, 'must be an http:// or https:// URL');
    }
  });
}

/** One label of a host name (RFC 1123, 2.1), with the underscore Docker service names use. */
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * True when `host` is an IP address (v4 or v6) or could be a host name. A name whose last label is all
 * digits must be an IPv4 address, since no top-level domain is (RFC 3696, 2): `999.999.1.1` is refused
 * here instead of being looked up. Whether a name resolves, and whether this machine has the address,
 * shows when it is bound (the launcher binds each host once before starting anything).
 */
function isHostOrAddress(host: string): boolean {
  if (isIP(host) !== 0) return true;
  const labels = host.replace(/\.$/, '').split('.');
  return host.length <= 253 && labels.every((l) => HOST_LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
}

/** A host to bind or reach: an IP address or a host name (see {@link isHostOrAddress}). */
function host(def: string) {
  return raw.transform((v, ctx): string => {
    if (v === undefined) return def;
    if (!isHostOrAddress(v)) return fail(ctx, 'must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or a host name');
    return v;
  });
}

/**
 * Every setting the lab reads. Descriptions are user-facing: they are shown in `chaos-lab settings`.
 */
export const settingsShape = {
  // Model
  GROQ_API_KEY: text().describe('Groq API key; with LLM_PROVIDER=auto its presence selects Groq'),
  LLM_PROVIDER: oneOf('auto', ['auto', 'groq', 'openai', 'anthropic', 'offline'] as const).describe(
    'auto: groq when GROQ_API_KEY is set, else offline; openai: any OpenAI-compatible endpoint (OPENAI_BASE_URL); anthropic: Anthropic\'s Messages API (ANTHROPIC_*); offline: the lab\'s own model server',
  ),
  GROQ_MODEL: text('llama-3.3-70b-versatile').describe('Groq model name'),
  GROQ_BASE_URL: url().describe("Groq API base URL (unset: Groq's own); for a local Groq-compatible server"),
  GROQ_MAX_RETRIES: num(2, 0, 10, { integer: true }).describe('retries of one Groq request inside the model client'),
  MODEL_TIMEOUT_MS: num(30000, 1, 3_600_000, { integer: true }).describe('timeout of one HTTP request of a model call (any provider), ms: a hung model API is given up after it'),
  MODEL_MAX_RETRIES: num(2, 0, 10, { integer: true }).describe('retries of one model call inside the model client (LLM_PROVIDER=openai or offline; groq: GROQ_MAX_RETRIES)'),
  OPENAI_BASE_URL: url().describe('with LLM_PROVIDER=openai: the OpenAI-compatible API base, e.g. http://127.0.0.1:11434/v1 (Ollama); unset: OpenAI\'s own'),
  OPENAI_API_KEY: text().describe('with LLM_PROVIDER=openai: the API key (a local server without keys takes any value; unset: "none")'),
  OPENAI_MODEL: text('gpt-4o-mini').describe('with LLM_PROVIDER=openai: the model name'),
  ANTHROPIC_API_KEY: text().describe('with LLM_PROVIDER=anthropic: the API key'),
  ANTHROPIC_MODEL: text('claude-3-5-haiku-latest').describe('with LLM_PROVIDER=anthropic: the model name'),
  ANTHROPIC_BASE_URL: url().describe("with LLM_PROVIDER=anthropic: the API base (unset: Anthropic's own); for a local Anthropic-compatible server"),
  MODEL_HOST: host('127.0.0.1').describe('host of the offline model server (model_server under compose); the model proxy forwards to it'),
  MODEL_PROXY: oneOf('on', ['on', 'off'] as const).describe('on: the proxy-manager keeps model_proxy (6100) in front of the model server and its toxics reach model calls; off: the agent calls the model server directly'),
  MODEL_TOXIC_PROB: prob(0).describe('probability, per chaos tick while the agent is active, that a toxic of TOXICS is injected on model_proxy (TOXIC_PROB is the tool proxies\'); 0 = model calls meet only planned toxics'),
  MODEL_URL: url().describe('where the agent reaches the offline model server (default http://TOXIPROXY_HOST:6100/v1, through model_proxy, port shifted by PORT_OFFSET)'),
  // Chaos
  TOXIC_PROB: prob(0.1).describe('probability, per proxy per chaos tick while the agent is active, that a toxic is injected'),
  ERROR_PROB: prob(0.1).describe('probability that a tool service answers a request with a simulated HTTP 503'),
  TOXICS: raw.transform((v, ctx): ToxicType[] => {
    if (v === undefined) return ['timeout'];
    const list = v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
    const bad = list.filter((t) => !(TOXIC_TYPES as readonly string[]).includes(t));
    if (list.length === 0 || bad.length > 0) return fail(ctx, `must be a comma list of ${TOXIC_TYPES.join(', ')}`);
    return [...new Set(list)] as ToxicType[];
  }).describe('toxic types the proxy-manager may inject, comma-separated'),
  LLM_FAULT_PROB: prob(0).describe('probability, per HTTP request of a model call (retries included), that the fault schedule puts an LLM fault of a kind from LLM_FAULTS on it'),
  LLM_FAULTS: raw.transform((v, ctx): LlmFaultKind[] => {
    if (v === undefined) return ['rate_limit'];
    const list = v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
    const all = list.includes('all') ? [...LLM_FAULT_KINDS] : list;
    const bad = all.filter((t) => !(LLM_FAULT_KINDS as readonly string[]).includes(t));
    if (all.length === 0 || bad.length > 0) return fail(ctx, `must be "all" or a comma list of ${LLM_FAULT_KINDS.join(', ')}`);
    return [...new Set(all)] as LlmFaultKind[];
  }).describe('LLM fault kinds the model gateway may inject, comma-separated, or all'),
  LLM_FAULT_CALLS: intList('model call numbers (1 = the run\'s first model call)').describe('model calls of the run (1 = the first; its retries are the same call) whose first request gets an LLM fault, e.g. 2,5'),
  LLM_FAULT_PROMPTS: intList('prompt indexes (0 = the first prompt)').describe('prompts (0-based, as prompt_results.prompt_index) whose every model request gets an LLM fault (one kind drawn per prompt)'),
  LLM_FAULT_STATUS: num(undefined, 400, 599, { integer: true }).describe('HTTP status of the LLM faults that answer with an error (unset: each kind\'s own: 429, 500, 502, 503, 401, 400)'),
  LLM_FAULT_RETRY_AFTER_S: num(undefined, 0, 86_400, { integer: true }).describe('Retry-After of rate_limit and unavailable, s (unset: 1)'),
  LLM_FAULT_HANG_MS: num(undefined, 0, 3_600_000, { integer: true }).describe('how long a hang holds the request before the gateway closes the connection, ms (unset: until the client gives up)'),
  LLM_FAULT_FIRST_TOKEN_DELAY_MS: num(undefined, 0, 3_600_000, { integer: true }).describe('delay before the first byte of slow_first_token, ms (unset: 2000)'),
  LLM_FAULT_CHUNK_DELAY_MS: num(undefined, 0, 3_600_000, { integer: true }).describe('delay between the chunks of slow_stream, ms (unset: 500)'),
  LLM_FAULT_CUT_AFTER_CHUNKS: num(undefined, 0, 10_000, { integer: true }).describe('chunks stream_cut sends before it closes the connection (unset: 2)'),
  MODEL_UPSTREAM_URL: url().describe('a hosted OpenAI-compatible API (e.g. https://api.groq.com/openai/v1) the model gateway forwards to instead of the offline model; the agent with LLM_PROVIDER=openai or groq then goes through model_proxy and the gateway'),
  CHAOS_SEED: raw.transform((v, ctx) => {
    if (v === undefined || v.toLowerCase() === 'random') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return fail(ctx, 'must be an integer from 0 to 4294967295, or "random"');
    return n;
  }).describe('seed of every random choice (unset or "random": a fresh seed, printed at start)'),
  CHAOS_INTERVAL_MS: num(1000, 50, 3_600_000, { integer: true }).describe('chaos tick period of the proxy-manager, ms'),
  TOXIC_DURATION_MS: range([2000, 6000], 1, 3_600_000).describe('how long an injected toxic stays, ms, drawn from MIN-MAX'),
  // Agent
  TOOL_LIMIT: num(1, 1, 100, { integer: true }).describe('maximum attempts of one tool call through its proxy (1 = no retry)'),
  PROMPT_LIMIT: num(1, 1, 100, { integer: true }).describe('maximum attempts of one prompt (1 = no retry)'),
  OFFLINE_MODEL_LATENCY_MS: num(250, 0, 60_000, { integer: true }).describe(
    'simulated think time of each offline model call, ms, so a run lasts as long as with a hosted model and the chaos loop has time to act; 0 = as fast as possible',
  ),
  PROMPTS_FILE: text('agent/prompts.json').describe('the prompts file (relative paths from the project root)'),
  LAB_FILE: text('lab.yaml').describe('the lab file declaring the tool services (relative paths from the project root); the default declares the seven built-in ones'),
  TOOL_TRANSPORT: oneOf('http', ['http', 'mcp'] as const).describe('how the agent calls the tools: http requests, or MCP over Streamable HTTP (each service\'s /mcp, through its proxy)'),
  PROXY_TIMEOUT_MS: num(5000, 1, 3_600_000, { integer: true }).describe('timeout of one tool call attempt through its proxy, ms'),
  FALLBACK: oneOf('on', ['on', 'off'] as const).describe('on: after TOOL_LIMIT failed attempts, one call goes straight to the service'),
  FALLBACK_TIMEOUT_MS: num(10000, 1, 3_600_000, { integer: true }).describe('timeout of the direct fallback call, ms'),
  IDEMPOTENCY_KEYS: oneOf('per-call', ['per-call', 'per-attempt'] as const).describe(
    "a write's request_id across retries: per-call reuses the call's key (the service writes once), per-attempt sends each attempt's own (a retry after a lost response writes again)",
  ),
  TOOL_BACKOFF_BASE_MS: num(200, 0, 600_000, { integer: true }).describe(
    'backoff before retrying a tool call, ms: retry n waits a random time in [0, min(TOOL_BACKOFF_MAX_MS, base * 2^(n-1))) (full jitter); 0 = retry at once',
  ),
  TOOL_BACKOFF_MAX_MS: num(5000, 0, 3_600_000, { integer: true }).describe(
    "longest wait before retrying a tool call, ms: caps the backoff and a server's Retry-After (honoured on 429 and 503)",
  ),
  PROMPT_TIMEOUT_MS: num(60000, 1, 86_400_000, { integer: true }).describe('timeout of one prompt attempt, ms'),
  AGENT_CONCURRENCY: num(1, 1, 64, { integer: true }).describe('prompts in flight at once'),
  // The agent under test (README "Test your own agent")
  AGENT_MODULE: text().describe('a JavaScript module (path from the project root) whose default export is an agent factory: the lab runs its agent instead of its own'),
  AGENT_URL: url().describe('an agent over HTTP: the lab POSTs each prompt to AGENT_URL/prompt and reads the answer, instead of running its own agent'),
  AGENT_COMMAND: text().describe('a command the lab starts (sh -c) before the run to serve AGENT_URL, and stops after it; it gets the tool and model URLs in CHAOS_LAB_* variables'),
  AGENT_READY_TIMEOUT_MS: num(30000, 100, 3_600_000, { integer: true }).describe('how long the lab waits for AGENT_URL/health to answer 200 before the run, ms'),
  SERVICE_REQUESTS: oneOf('auto', ['auto', 'on', 'off'] as const).describe(
    'on: the tool services and the model server record every request they receive (service_requests); auto: on when AGENT_URL is set',
  ),
  // Topology
  TOXIPROXY_URL: url().describe('Toxiproxy API URL (default http://127.0.0.1:8474, shifted by PORT_OFFSET)'),
  TOXIPROXY_TIMEOUT_MS: num(2000, 1, 600_000, { integer: true }).describe('timeout of one Toxiproxy API call by the proxy-manager, ms (each call is tried up to 3 times)'),
  TOXIPROXY_WAIT_MS: num(30000, 0, 3_600_000, { integer: true }).describe('how long the proxy-manager waits for the Toxiproxy API at start before giving up, ms'),
  TOXIPROXY_HOST: host('127.0.0.1').describe('host where the agent reaches the proxies'),
  TOXIPROXY_LISTEN_HOST: host('127.0.0.1').describe('host the proxies listen on, as told to Toxiproxy'),
  TOOLS_HOST: host('127.0.0.1').describe('host of the tool services (override one with <SERVICE>_TOOL_HOST)'),
  BIND_HOST: host('127.0.0.1').describe('address the lab\'s own servers bind (0.0.0.0 in containers)'),
  PORT_OFFSET: num(0, 0, 50000, { integer: true }).describe('added to every default port, to run a second lab beside one'),
  PROXY_MANAGER_PORT: num(undefined, 1, 65535, { integer: true }).describe('proxy-manager HTTP port (default 8000, shifted by PORT_OFFSET)'),
  PROXY_MANAGER_URL: url().describe('where the launcher and the agent (announcing attempts of a run with a fault plan) reach the proxy-manager (default http://127.0.0.1:PROXY_MANAGER_PORT)'),
  AGENT_METRICS_PORT: num(undefined, 0, 65535, { integer: true }).describe('port of the agent\'s Prometheus GET /metrics while it runs (default 8300, shifted by PORT_OFFSET); 0 = none'),
  DASHBOARD: oneOf('on', ['on', 'off'] as const).describe('on: chaos-lab up (npm start) serves the live dashboard beside the run and prints its URL'),
  DASHBOARD_PORT: num(undefined, 1, 65535, { integer: true }).describe('dashboard HTTP port (default 8200, shifted by PORT_OFFSET); chaos-lab dashboard serves the history alone'),
  HEALTH_INTERVAL_MS: num(3000, 100, 3_600_000, { integer: true }).describe('period of the proxy-manager\'s tool health checks, ms'),
  HEARTBEAT_STALE_MS: num(30000, 0, 86_400_000, { integer: true }).describe('the proxy-manager treats an active run whose agent heartbeat is older than this as idle (the agent died), ms; 0 = never'),
  RESTART_SERVICES: oneOf('on', ['on', 'off'] as const).describe('on: chaos-lab up restarts a tool service that died during a run (recorded as a service_down fault event either way)'),
  STARTUP_TIMEOUT_MS: num(60000, 1000, 3_600_000, { integer: true }).describe(
    'how long chaos-lab up waits for each part (Toxiproxy, a tool service, the proxy-manager) to answer its health check at start, ms; raise it on a slow or busy machine',
  ),
  // Files and logs
  LAB_DB_PATH: text('state/lab.db').describe('the SQLite database (relative paths from the project root)'),
  LOG_DIR: text('logs').describe('folder of info.log and agent.log'),
  CHARTS_DIR: text('charts').describe('folder the charts and report are written to'),
  LOG_LEVEL: oneOf('info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).describe('pino log level'),
  LOG_CONSOLE: oneOf('auto', ['auto', 'pretty', 'json', 'off'] as const).describe('console log form; auto: pretty on a terminal, off otherwise'),
};

/** The name of a setting. */
export type SettingName = keyof typeof settingsShape;

/**
 * The lab's parts, one program each: `npm start` runs the launcher, which starts the others as its
 * children with its own environment; under compose each other part is a container (`toxiproxy`: the
 * lab's own server, in docker-compose.local.yaml).
 */
export const LAB_PARTS = ['launcher', 'tools', 'toxiproxy', 'proxy-manager', 'model', 'agent', 'charts', 'dashboard'] as const;

/** One of {@link LAB_PARTS}. */
export type LabPart = (typeof LAB_PARTS)[number];

const ALL_PARTS = ['tools', 'toxiproxy', 'proxy-manager', 'model', 'agent', 'charts', 'dashboard'] as const;

/**
 * Which parts act on each setting: the one list that says which settings must reach which container,
 * so a value in `.env` is never silently dropped under compose and a secret reaches only the part that
 * uses it (lab/test/compose.test.ts checks docker-compose.yaml against it, and that every setting is
 * listed). The launcher reads every setting (it checks them all before starting anything); it is named
 * only for the settings no other part uses. `<SERVICE>_TOOL_HOST` goes where `TOOLS_HOST` goes.
 */
export const SETTING_READERS: Partial<Record<SettingName, readonly LabPart[]>> = {
  GROQ_API_KEY: ['agent'],
  LLM_PROVIDER: ['agent'],
  GROQ_MODEL: ['agent'],
  GROQ_BASE_URL: ['agent'],
  GROQ_MAX_RETRIES: ['agent'],
  LLM_FAULT_PROB: ['proxy-manager'],
  LLM_FAULTS: ['proxy-manager'],
  LLM_FAULT_CALLS: ['proxy-manager'],
  LLM_FAULT_PROMPTS: ['proxy-manager'],
  LLM_FAULT_STATUS: ['proxy-manager'],
  LLM_FAULT_RETRY_AFTER_S: ['proxy-manager'],
  LLM_FAULT_HANG_MS: ['proxy-manager'],
  LLM_FAULT_FIRST_TOKEN_DELAY_MS: ['proxy-manager'],
  LLM_FAULT_CHUNK_DELAY_MS: ['proxy-manager'],
  LLM_FAULT_CUT_AFTER_CHUNKS: ['proxy-manager'],
  MODEL_UPSTREAM_URL: ['model', 'agent'],
  MODEL_TIMEOUT_MS: ['agent'],
  MODEL_MAX_RETRIES: ['agent'],
  OPENAI_BASE_URL: ['agent'],
  OPENAI_API_KEY: ['agent'],
  OPENAI_MODEL: ['agent'],
  ANTHROPIC_API_KEY: ['agent'],
  ANTHROPIC_MODEL: ['agent'],
  ANTHROPIC_BASE_URL: ['agent'],
  MODEL_HOST: ['proxy-manager', 'agent'],
  MODEL_PROXY: ['proxy-manager', 'agent'],
  MODEL_TOXIC_PROB: ['proxy-manager'],
  MODEL_URL: ['agent'],
  TOXIC_PROB: ['proxy-manager'],
  ERROR_PROB: ['tools'],
  TOXICS: ['proxy-manager'],
  CHAOS_SEED: ['tools', 'toxiproxy', 'proxy-manager', 'model', 'agent'],
  CHAOS_INTERVAL_MS: ['proxy-manager'],
  TOXIC_DURATION_MS: ['proxy-manager'],
  TOOL_LIMIT: ['agent'],
  PROMPT_LIMIT: ['agent'],
  OFFLINE_MODEL_LATENCY_MS: ['model'],
  PROMPTS_FILE: ['agent'],
  LAB_FILE: ['tools', 'proxy-manager', 'agent'],
  TOOL_TRANSPORT: ['agent'],
  PROXY_TIMEOUT_MS: ['proxy-manager', 'agent'],
  FALLBACK: ['agent'],
  FALLBACK_TIMEOUT_MS: ['agent'],
  IDEMPOTENCY_KEYS: ['agent'],
  TOOL_BACKOFF_BASE_MS: ['agent'],
  TOOL_BACKOFF_MAX_MS: ['agent'],
  PROMPT_TIMEOUT_MS: ['agent'],
  AGENT_CONCURRENCY: ['agent'],
  AGENT_MODULE: ['agent'],
  AGENT_URL: ['tools', 'model', 'agent'],
  AGENT_COMMAND: ['agent'],
  AGENT_READY_TIMEOUT_MS: ['agent'],
  SERVICE_REQUESTS: ['tools', 'model'],
  TOXIPROXY_URL: ['proxy-manager'],
  TOXIPROXY_TIMEOUT_MS: ['proxy-manager'],
  TOXIPROXY_WAIT_MS: ['proxy-manager'],
  TOXIPROXY_HOST: ['agent'],
  TOXIPROXY_LISTEN_HOST: ['proxy-manager'],
  TOOLS_HOST: ['proxy-manager', 'agent'],
  BIND_HOST: ['tools', 'toxiproxy', 'proxy-manager', 'model', 'agent', 'dashboard'],
  PORT_OFFSET: ['tools', 'toxiproxy', 'proxy-manager', 'model', 'agent', 'dashboard'],
  PROXY_MANAGER_PORT: ['proxy-manager'],
  PROXY_MANAGER_URL: ['launcher', 'agent', 'model', 'dashboard'],
  AGENT_METRICS_PORT: ['agent'],
  DASHBOARD: ['launcher'],
  DASHBOARD_PORT: ['dashboard'],
  HEALTH_INTERVAL_MS: ['proxy-manager'],
  HEARTBEAT_STALE_MS: ['proxy-manager'],
  RESTART_SERVICES: ['launcher'],
  STARTUP_TIMEOUT_MS: ['launcher'],
  LAB_DB_PATH: ['tools', 'proxy-manager', 'model', 'agent', 'charts', 'dashboard'],
  LOG_DIR: ALL_PARTS,
  CHARTS_DIR: ['charts'],
  LOG_LEVEL: ALL_PARTS,
  LOG_CONSOLE: ALL_PARTS,
};

/** The one settings schema, with the rules that tie one setting to another. */
export const settingsSchema = z.object(settingsShape).superRefine((s, ctx) => {
  // Refused here rather than by the agent, which only learns it after the whole lab has started.
  if (s.LLM_PROVIDER === 'groq' && s.GROQ_API_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['LLM_PROVIDER'], message: 'GROQ_API_KEY must be set (or use LLM_PROVIDER=offline, or auto)' });
  }
  if (s.AGENT_MODULE !== undefined && s.AGENT_URL !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['AGENT_MODULE'], message: 'set AGENT_MODULE or AGENT_URL, not both: the lab runs one agent' });
  }
  if (s.AGENT_COMMAND !== undefined && s.AGENT_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['AGENT_COMMAND'], message: 'AGENT_URL must be set too: where the started command serves the agent' });
  }
  // Service-side records are joined to the prompt that was running when they arrived: one at a time.
  if (s.AGENT_URL !== undefined && s.AGENT_CONCURRENCY !== 1) {
    ctx.addIssue({ code: 'custom', path: ['AGENT_CONCURRENCY'], message: 'must be 1 with AGENT_URL: the lab joins the services\' records to the prompt running when they arrived' });
  }
  if (s.LLM_PROVIDER === 'anthropic' && s.ANTHROPIC_API_KEY === undefined) {
    ctx.addIssue({ code: 'custom', path: ['LLM_PROVIDER'], message: 'ANTHROPIC_API_KEY must be set (or use LLM_PROVIDER=offline, or auto)' });
  }
});

type Parsed = z.output<typeof settingsSchema>;

/** Validated settings. Paths are absolute; `CHAOS_SEED` is always a number (fresh when not given). */
export interface Settings extends Omit<Parsed, 'CHAOS_SEED' | 'PROXY_MANAGER_PORT' | 'TOXIPROXY_URL' | 'PROXY_MANAGER_URL' | 'AGENT_METRICS_PORT'> {
  /** The seed in force: `CHAOS_SEED` when given, else a fresh one. */
  readonly CHAOS_SEED: number;
  /** True when `CHAOS_SEED` was given rather than drawn. */
  readonly seedGiven: boolean;
  readonly PROXY_MANAGER_PORT: number;
  readonly TOXIPROXY_URL: string;
  readonly PROXY_MANAGER_URL: string;
  /** The agent's metrics port; 0 = none. */
  readonly AGENT_METRICS_PORT: number;
  /** Per-service host overrides from `<SERVICE>_TOOL_HOST` (e.g. `WEATHER_TOOL_HOST=weather_tool`). */
  readonly toolHosts: Readonly<Record<string, string>>;
}

/** Reads `.env` at the project root (or `envFile`), returning {} when it does not exist. */
export function readDotenv(envFile = join(PROJECT_ROOT, '.env')): RawEnv {
  if (!existsSync(envFile)) return {};
  return parseDotenv(readFileSync(envFile));
}

/**
 * Validates settings.
 * @param env the environment (default `process.env`), winning over `.env`
 * @param options `dotenv: false` skips the `.env` file (tests); `envFile` reads another one
 * @returns frozen {@link Settings}
 * @throws {LabError} `SETTINGS_INVALID`, message one line per bad variable: `NAME=value: rule`
 */
export function loadSettings(env: RawEnv = process.env, options: { dotenv?: boolean; envFile?: string } = {}): Settings {
  const merged: RawEnv = { ...(options.dotenv === false ? {} : readDotenv(options.envFile)), ...env };
  const input: RawEnv = {};
  for (const key of Object.keys(settingsShape)) input[key] = merged[key];
  const result = settingsSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${merged[name] ?? ''}: ${issue.message}`;
    });
    throw new LabError('SETTINGS_INVALID', lines.join('\n'), { details: { problems: lines } });
  }
  const s = result.data;
  // Any service's, not only the registry's: a lab file may declare more (lab-file/schema.ts names).
  const toolHosts: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    const m = /^([A-Z][A-Z0-9_]*)_TOOL_HOST$/.exec(key);
    if (m && value?.trim()) toolHosts[m[1]!.toLowerCase()] = value.trim();
  }
  const pmPort = s.PROXY_MANAGER_PORT ?? PROXY_MANAGER_PORT + s.PORT_OFFSET;
  return Object.freeze({
    ...s,
    CHAOS_SEED: s.CHAOS_SEED ?? freshSeed(),
    seedGiven: s.CHAOS_SEED !== undefined,
    PROXY_MANAGER_PORT: pmPort,
    TOXIPROXY_URL: s.TOXIPROXY_URL ?? `http://127.0.0.1:${TOXIPROXY_API_PORT + s.PORT_OFFSET}`,
    PROXY_MANAGER_URL: s.PROXY_MANAGER_URL ?? `http://127.0.0.1:${pmPort}`,
    AGENT_METRICS_PORT: s.AGENT_METRICS_PORT ?? AGENT_METRICS_PORT + s.PORT_OFFSET,
    PROMPTS_FILE: resolveFromRoot(s.PROMPTS_FILE),
    LAB_FILE: resolveFromRoot(s.LAB_FILE),
    LAB_DB_PATH: resolveFromRoot(s.LAB_DB_PATH),
    LOG_DIR: resolveFromRoot(s.LOG_DIR),
    CHARTS_DIR: resolveFromRoot(s.CHARTS_DIR),
    AGENT_MODULE: s.AGENT_MODULE === undefined ? undefined : resolveFromRoot(s.AGENT_MODULE),
    toolHosts: Object.freeze(toolHosts),
  }) as Settings;
}

/** Settings with secrets redacted, for logs and the `runs.settings` column. */
export function publicSettings(s: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  if (s.GROQ_API_KEY) out.GROQ_API_KEY = '(set)';
  if (s.OPENAI_API_KEY) out.OPENAI_API_KEY = '(set)';
  if (s.ANTHROPIC_API_KEY) out.ANTHROPIC_API_KEY = '(set)';
  return out;
}

let cached: Settings | undefined;

/**
 * The process's settings, read once from `process.env` and `.env`, then checked against the machine
 * (the database file and the folders: {@link checkLabPaths}). A program entry calls this first; on a
 * bad value or an unusable path it writes the problems to stderr, one line each, and exits with
 * status 2 before anything starts.
 */
export function settings(): Settings {
  if (cached) return cached;
  let problems: string[];
  try {
    const loaded = loadSettings();
    problems = [...checkLabPaths(loaded), ...labFileProblems(loaded.LAB_FILE)];
    if (problems.length === 0) return (cached = loaded);
  } catch (err) {
    if (!isLabError(err, 'SETTINGS_INVALID')) throw err;
    problems = err.message.split('\n');
  }
  process.stderr.write(`chaos-lab: invalid settings\n${problems.join('\n')}\n`);
  process.exit(2);
}

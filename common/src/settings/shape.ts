/**
 * The settings table: every variable the lab reads, by area, with its parser, default and the
 * user-facing description (`chaos-lab settings`, docs/settings.md and `.env.example` are written from
 * these).
 */
import { LAB_FIRST_PORT, LAB_LAST_PORT, PORT_BLOCK_SIZE } from '../lab-span.js';
import {
  host,
  intList,
  llmFaultKinds,
  num,
  oneOf,
  portOffset,
  prob,
  range,
  seed,
  text,
  toxicTypes,
  url,
} from './parsers.js';

/**
 * Every setting the lab reads. Descriptions are user-facing: they are shown in `chaos-lab settings`.
 */
export const settingsShape = {
  // Model
  GROQ_API_KEY: text().describe('Groq API key; with LLM_PROVIDER=auto its presence selects Groq'),
  LLM_PROVIDER: oneOf('auto', ['auto', 'groq', 'openai', 'anthropic', 'offline'] as const).describe(
    "auto: groq when GROQ_API_KEY is set, else offline; openai: any OpenAI-compatible endpoint (OPENAI_BASE_URL); anthropic: Anthropic's Messages API (ANTHROPIC_*); offline: the lab's own model server",
  ),
  GROQ_MODEL: text('llama-3.3-70b-versatile').describe('Groq model name'),
  GROQ_BASE_URL: url().describe("Groq API base URL (unset: Groq's own); for a local Groq-compatible server"),
  GROQ_MAX_RETRIES: num(2, 0, 10, { integer: true }).describe('retries of one Groq request inside the model client'),
  MODEL_TIMEOUT_MS: num(30000, 1, 3_600_000, { integer: true }).describe(
    'timeout of one HTTP request of a model call (any provider), ms: a hung model API is given up after it',
  ),
  MODEL_MAX_RETRIES: num(2, 0, 10, { integer: true }).describe(
    'retries of one model call inside the model client (LLM_PROVIDER=openai or offline; groq: GROQ_MAX_RETRIES)',
  ),
  OPENAI_BASE_URL: url().describe(
    "with LLM_PROVIDER=openai: the OpenAI-compatible API base, e.g. http://127.0.0.1:11434/v1 (Ollama); unset: OpenAI's own",
  ),
  OPENAI_API_KEY: text().describe(
    'with LLM_PROVIDER=openai: the API key (a local server without keys takes any value; unset: "none")',
  ),
  OPENAI_MODEL: text('gpt-4o-mini').describe('with LLM_PROVIDER=openai: the model name'),
  ANTHROPIC_API_KEY: text().describe('with LLM_PROVIDER=anthropic: the API key'),
  ANTHROPIC_MODEL: text('claude-3-5-haiku-latest').describe('with LLM_PROVIDER=anthropic: the model name'),
  ANTHROPIC_BASE_URL: url().describe(
    "with LLM_PROVIDER=anthropic and no MODEL_UPSTREAM_URL: the API base the agent calls directly (unset: Anthropic's own); for a local Anthropic-compatible server, such as the lab's model server",
  ),
  MODEL_HOST: host('127.0.0.1').describe(
    'host of the offline model server (model_server under compose); the model proxy forwards to it',
  ),
  MODEL_PROXY: oneOf('on', ['on', 'off'] as const).describe(
    'on: the proxy-manager keeps model_proxy (6100) in front of the model server and its toxics reach model calls; off: the agent calls the model server directly',
  ),
  MODEL_TOXIC_PROB: prob(0).describe(
    "probability, per chaos tick while the agent is active, that a toxic of TOXICS is injected on model_proxy (TOXIC_PROB is the tool proxies'); 0 = model calls meet only planned toxics",
  ),
  MODEL_URL: url().describe(
    'where the agent reaches the offline model server (default http://TOXIPROXY_HOST:6100/v1, through model_proxy, port shifted by PORT_OFFSET)',
  ),
  // Chaos
  TOXIC_PROB: prob(0.1).describe(
    'probability, per proxy per chaos tick while the agent is active, that a toxic is injected',
  ),
  ERROR_PROB: prob(0.1).describe('probability that a tool service answers a request with a simulated HTTP 503'),
  TOXICS: toxicTypes().describe('toxic types the proxy-manager may inject, comma-separated'),
  LLM_FAULT_PROB: prob(0).describe(
    'probability, per HTTP request of a model call (retries included), that the fault schedule puts an LLM fault of a kind from LLM_FAULTS on it',
  ),
  LLM_FAULTS: llmFaultKinds().describe('LLM fault kinds the model gateway may inject, comma-separated, or all'),
  LLM_FAULT_CALLS: intList("model call numbers (1 = the run's first model call)").describe(
    'model calls of the run (1 = the first; its retries are the same call) whose first request gets an LLM fault, e.g. 2,5',
  ),
  LLM_FAULT_PROMPTS: intList('prompt indexes (0 = the first prompt)').describe(
    'prompts (0-based, as prompt_results.prompt_index) whose every model request gets an LLM fault (one kind drawn per prompt)',
  ),
  LLM_FAULT_STATUS: num(undefined, 400, 599, { integer: true }).describe(
    "HTTP status of the LLM faults that answer with an error (unset: each kind's own: 429, 500, 502, 503, 401, 400)",
  ),
  LLM_FAULT_RETRY_AFTER_S: num(undefined, 0, 86_400, { integer: true }).describe(
    'Retry-After of rate_limit and unavailable, s (unset: 1)',
  ),
  LLM_FAULT_HANG_MS: num(undefined, 0, 3_600_000, { integer: true }).describe(
    'how long a hang holds the request before the gateway closes the connection, ms (unset: until the client gives up)',
  ),
  LLM_FAULT_FIRST_TOKEN_DELAY_MS: num(undefined, 0, 3_600_000, { integer: true }).describe(
    'delay before the first byte of slow_first_token, ms (unset: 2000)',
  ),
  LLM_FAULT_CHUNK_DELAY_MS: num(undefined, 0, 3_600_000, { integer: true }).describe(
    'delay between the chunks of slow_stream, ms (unset: 500)',
  ),
  LLM_FAULT_CUT_AFTER_CHUNKS: num(undefined, 0, 10_000, { integer: true }).describe(
    'chunks stream_cut sends before it closes the connection (unset: 2)',
  ),
  MODEL_UPSTREAM_URL: url().describe(
    "a hosted model API's /v1 base the model gateway forwards to instead of the offline model (OpenAI-compatible, e.g. https://api.groq.com/openai/v1; Anthropic's https://api.anthropic.com/v1 for /v1/messages); the agent with LLM_PROVIDER=openai, groq or anthropic then goes through model_proxy and the gateway",
  ),
  CHAOS_SEED: seed().describe('seed of every random choice (unset or "random": a fresh seed, printed at start)'),
  CHAOS_INTERVAL_MS: num(1000, 50, 3_600_000, { integer: true }).describe('chaos tick period of the proxy-manager, ms'),
  TOXIC_DURATION_MS: range([2000, 6000], 1, 3_600_000).describe(
    'how long an injected toxic stays, ms, drawn from MIN-MAX',
  ),
  // Agent
  TOOL_LIMIT: num(1, 1, 100, { integer: true }).describe(
    'maximum attempts of one tool call through its proxy (1 = no retry)',
  ),
  PROMPT_LIMIT: num(1, 1, 100, { integer: true }).describe('maximum attempts of one prompt (1 = no retry)'),
  OFFLINE_MODEL_LATENCY_MS: num(250, 0, 60_000, { integer: true }).describe(
    'simulated think time of each offline model call, ms, so a run lasts as long as with a hosted model and the chaos loop has time to act; 0 = as fast as possible',
  ),
  PROMPTS_FILE: text('agent/prompts.json').describe('the prompts file (relative paths from the project root)'),
  LAB_FILE: text('lab.yaml').describe(
    'the lab file declaring the tool services (relative paths from the project root); the default declares the seven built-in ones',
  ),
  TOOL_TRANSPORT: oneOf('http', ['http', 'mcp'] as const).describe(
    "how the agent calls the tools: http requests, or MCP over Streamable HTTP (each service's /mcp, through its proxy)",
  ),
  PROXY_TIMEOUT_MS: num(5000, 1, 3_600_000, { integer: true }).describe(
    'timeout of one tool call attempt through its proxy, ms',
  ),
  FALLBACK: oneOf('on', ['on', 'off'] as const).describe(
    'on: after TOOL_LIMIT failed attempts, one call goes straight to the service',
  ),
  FALLBACK_TIMEOUT_MS: num(10000, 1, 3_600_000, { integer: true }).describe('timeout of the direct fallback call, ms'),
  IDEMPOTENCY_KEYS: oneOf('per-call', ['per-call', 'per-attempt', 'per-write'] as const).describe(
    "a write's request_id: per-call reuses the call's key on its retries (the service writes once per call), per-attempt sends each attempt's own (a retry after a lost response writes again), per-write derives it from the run, the prompt, the tool and its arguments (a prompt retry writing the same again is answered from the service's book too)",
  ),
  TOOL_BACKOFF_BASE_MS: num(200, 0, 600_000, { integer: true }).describe(
    'backoff before retrying a tool call, ms: retry n waits a random time in [0, min(TOOL_BACKOFF_MAX_MS, base * 2^(n-1))) (full jitter); 0 = retry at once',
  ),
  TOOL_BACKOFF_MAX_MS: num(5000, 0, 3_600_000, { integer: true }).describe(
    "longest wait before retrying a tool call, ms: caps the backoff and a server's Retry-After (honoured on 429 and 503)",
  ),
  PROMPT_TIMEOUT_MS: num(60000, 1, 86_400_000, { integer: true }).describe('timeout of one prompt attempt, ms'),
  AGENT_CONCURRENCY: num(1, 1, 64, { integer: true }).describe('prompts in flight at once'),
  // The agent under test (docs/your-agent.md)
  AGENT_MODULE: text().describe(
    'a JavaScript module (path from the project root) whose default export is an agent factory: the lab runs its agent instead of its own',
  ),
  AGENT_URL: url().describe(
    'an agent over HTTP: the lab POSTs each prompt to AGENT_URL/prompt and reads the answer, instead of running its own agent',
  ),
  AGENT_COMMAND: text().describe(
    'a command the lab starts (sh -c) before the run to serve AGENT_URL, and stops after it; it gets the tool and model URLs in CHAOS_LAB_* variables',
  ),
  AGENT_READY_TIMEOUT_MS: num(30000, 100, 3_600_000, { integer: true }).describe(
    'how long the lab waits for AGENT_URL/health to answer 200 before the run, ms',
  ),
  SERVICE_REQUESTS: oneOf('auto', ['auto', 'on', 'off'] as const).describe(
    'on: the tool services and the model server record every request they receive (service_requests); auto: on when AGENT_URL is set',
  ),
  // Topology
  TOXIPROXY_URL: url().describe('Toxiproxy API URL (default http://127.0.0.1:8474, shifted by PORT_OFFSET)'),
  TOXIPROXY_TIMEOUT_MS: num(2000, 1, 600_000, { integer: true }).describe(
    'timeout of one Toxiproxy API call by the proxy-manager, ms (each call is tried up to 3 times)',
  ),
  TOXIPROXY_WAIT_MS: num(30000, 0, 3_600_000, { integer: true }).describe(
    'how long the proxy-manager waits for the Toxiproxy API at start before giving up, ms',
  ),
  TOXIPROXY_HOST: host('127.0.0.1').describe('host where the agent reaches the proxies'),
  TOXIPROXY_LISTEN_HOST: host('127.0.0.1').describe('host the proxies listen on, as told to Toxiproxy'),
  TOOLS_HOST: host('127.0.0.1').describe('host of the tool services (override one with <SERVICE>_TOOL_HOST)'),
  BIND_HOST: host('127.0.0.1').describe("address the lab's own servers bind (0.0.0.0 in containers)"),
  PORT_OFFSET: portOffset().describe(
    `added to every default port, to run a second lab beside one: a lab spans ports ${LAB_FIRST_PORT}-${LAB_LAST_PORT}, so labs on one machine need offsets at least ${PORT_BLOCK_SIZE} apart (chaos-lab up refuses one that overlaps a running lab); auto (the commands that launch labs: up / npm start, run, shrink, breaking-point): the first free block of 0, ${PORT_BLOCK_SIZE}, ${2 * PORT_BLOCK_SIZE}, ...`,
  ),
  PROXY_MANAGER_PORT: num(undefined, 1, 65535, { integer: true }).describe(
    'proxy-manager HTTP port (default 8000, shifted by PORT_OFFSET)',
  ),
  PROXY_MANAGER_URL: url().describe(
    'where the launcher, the agent (announcing attempts of a run with a fault plan), the model gateway and the tool services (announcing the requests of an agent under test) reach the proxy-manager (default http://127.0.0.1:PROXY_MANAGER_PORT)',
  ),
  AGENT_METRICS_PORT: num(undefined, 0, 65535, { integer: true }).describe(
    "port of the agent's Prometheus GET /metrics while it runs (default 8300, shifted by PORT_OFFSET); 0 = none",
  ),
  DASHBOARD: oneOf('on', ['on', 'off'] as const).describe(
    'on: chaos-lab up (npm start) serves the live dashboard beside the run and prints its URL',
  ),
  DASHBOARD_PORT: num(undefined, 1, 65535, { integer: true }).describe(
    'dashboard HTTP port (default 8200, shifted by PORT_OFFSET); chaos-lab dashboard serves the history alone',
  ),
  HEALTH_INTERVAL_MS: num(3000, 100, 3_600_000, { integer: true }).describe(
    "period of the proxy-manager's tool health checks, ms",
  ),
  HEARTBEAT_STALE_MS: num(30000, 0, 86_400_000, { integer: true }).describe(
    'the proxy-manager treats an active run whose agent heartbeat is older than this as idle (the agent died), ms; 0 = never',
  ),
  RESTART_SERVICES: oneOf('on', ['on', 'off'] as const).describe(
    'on: chaos-lab up restarts a tool service that died during a run (recorded as a service_down fault event either way)',
  ),
  STARTUP_TIMEOUT_MS: num(60000, 1000, 3_600_000, { integer: true }).describe(
    'how long chaos-lab up waits for each part (Toxiproxy, a tool service, the proxy-manager) to answer its health check at start, ms; raise it on a slow or busy machine',
  ),
  // Files and logs
  LAB_DB_PATH: text('state/lab.db').describe('the SQLite database (relative paths from the project root)'),
  LOG_DIR: text('logs').describe('folder of info.log and agent.log'),
  CHARTS_DIR: text('charts').describe('folder the charts and report are written to'),
  LOG_LEVEL: oneOf('info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).describe(
    'pino log level',
  ),
  LOG_CONSOLE: oneOf('auto', ['auto', 'pretty', 'json', 'off'] as const).describe(
    'console log form; auto: pretty on a terminal, off otherwise',
  ),
};

/** The name of a setting. */
export type SettingName = keyof typeof settingsShape;

/**
 * Which lab part reads which setting, so each setting reaches the parts (and containers) that act on it.
 */
import type { SettingName } from './shape.js';

/**
 * The lab's parts, one program each: `npm start` runs the launcher, which starts the others as its
 * children with its own environment; under compose each other part is a container (`toxiproxy`: the
 * lab's own server, in docker-compose.local.yaml).
 */
export const LAB_PARTS = [
  'launcher',
  'tools',
  'toxiproxy',
  'proxy-manager',
  'model',
  'agent',
  'charts',
  'dashboard',
] as const;

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
  PROXY_MANAGER_URL: ['launcher', 'tools', 'agent', 'model', 'dashboard'],
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

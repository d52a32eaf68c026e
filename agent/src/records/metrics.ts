/**
 * The agent's Prometheus metrics, served while it runs at `GET /metrics` on `AGENT_METRICS_PORT`
 * (docs/metrics-and-dashboard.md): what the agent records, counted as it is recorded.
 *
 *   chaos_lab_tool_attempts_total{tool, via, outcome}              counter    tool call attempts (tool_calls rows)
 *   chaos_lab_tool_attempt_duration_seconds{tool, via, outcome}    histogram  their durations
 *   chaos_lab_prompts_total{status}                                counter    prompts ended (prompt_results rows)
 *   chaos_lab_prompt_duration_seconds{status}                      histogram  their durations
 *   chaos_lab_model_calls_total{status}                            counter    model requests (model_calls rows)
 *   chaos_lab_model_call_duration_seconds{status}                  histogram  their latencies
 *
 * The agent has no HTTP server of its own, so {@link startAgentMetricsServer} gives it one that answers
 * only `/metrics`, bound like the other parts (`BIND_HOST`).
 */
import { Counter, Histogram } from 'prom-client';
import {
  defineMetrics,
  DURATION_BUCKETS_SECONDS,
  startMetricsServer,
  type RunningMetricsServer,
  type Settings,
} from '@chaos-lab/common';
import type { PromptResultRow, ToolCallRow } from './records.js';

/** Prompt durations reach `PROMPT_TIMEOUT_MS` (60 s) times `PROMPT_LIMIT`: longer buckets than a request's. */
const PROMPT_BUCKETS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The agent's metrics in the process registry (defined at the first call). */
export const agentMetrics = defineMetrics((registry) => ({
  toolAttempts: new Counter({
    name: 'chaos_lab_tool_attempts_total',
    help: 'Tool call attempts the agent made (one tool_calls row each), by tool, via (proxy or direct: the fallback) and outcome (ok, http_error, timeout, closed, reset, connection_error, cancelled).',
    labelNames: ['tool', 'via', 'outcome'] as const,
    registers: [registry],
  }),
  toolAttemptDuration: new Histogram({
    name: 'chaos_lab_tool_attempt_duration_seconds',
    help: 'Duration of one tool call attempt, from its first byte sent to its answer or failure, seconds.',
    labelNames: ['tool', 'via', 'outcome'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [registry],
  }),
  prompts: new Counter({
    name: 'chaos_lab_prompts_total',
    help: 'Prompts ended (one prompt_results row each), by status (correct, unchecked, wrong, unhandled, failed, interrupted).',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  promptDuration: new Histogram({
    name: 'chaos_lab_prompt_duration_seconds',
    help: 'Duration of a prompt, all its attempts included, seconds.',
    labelNames: ['status'] as const,
    buckets: PROMPT_BUCKETS_SECONDS,
    registers: [registry],
  }),
  modelCalls: new Counter({
    name: 'chaos_lab_model_calls_total',
    help: 'HTTP requests of model calls (one model_calls row each: a retry inside the model client is another), by status (ok, http_error, malformed, timeout, network, cancelled).',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  modelCallDuration: new Histogram({
    name: 'chaos_lab_model_call_duration_seconds',
    help: 'Latency of one model call request, to the end of its answer, seconds.',
    labelNames: ['status'] as const,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [registry],
  }),
}));

/** Counts a recorded tool call attempt. */
export function countToolAttempt(row: Pick<ToolCallRow, 'tool' | 'via' | 'outcome' | 'durationMs'>): void {
  const m = agentMetrics();
  const labels = { tool: row.tool, via: row.via, outcome: row.outcome };
  m.toolAttempts.inc(labels);
  m.toolAttemptDuration.observe(labels, row.durationMs / 1000);
}

/** Counts a recorded prompt result. */
export function countPrompt(row: Pick<PromptResultRow, 'status' | 'startedAt' | 'finishedAt'>): void {
  const m = agentMetrics();
  m.prompts.inc({ status: row.status });
  m.promptDuration.observe({ status: row.status }, Math.max(0, row.finishedAt - row.startedAt) / 1000);
}

/**
 * Counts a model call request once its answer ended.
 * @param status as `model_calls.status`
 * @param latencyMs as `model_calls.latency_ms`
 */
export function countModelCall(status: string, latencyMs: number): void {
  const m = agentMetrics();
  m.modelCalls.inc({ status });
  m.modelCallDuration.observe({ status }, latencyMs / 1000);
}

/**
 * Starts the agent's `/metrics` server on `AGENT_METRICS_PORT` at `BIND_HOST`.
 * @param options `port` instead of the setting (0 = a free one; tests)
 * @returns the running server, or undefined when `AGENT_METRICS_PORT` is 0 (none)
 * @throws {LabError} `PORT_IN_USE` naming the port when it is taken
 */
export async function startAgentMetricsServer(
  settings: Settings,
  options: { port?: number } = {},
): Promise<RunningMetricsServer | undefined> {
  const port = options.port ?? settings.AGENT_METRICS_PORT;
  if (options.port === undefined && port === 0) return undefined;
  agentMetrics(); // defined before the first scrape, so each family is listed from the start
  return startMetricsServer({
    port,
    host: settings.BIND_HOST,
    owner: 'agent metrics',
    hint: 'set AGENT_METRICS_PORT (0 = none) or PORT_OFFSET',
  });
}

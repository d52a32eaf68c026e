/**
 * The rows of one run as the report reads them from the record (docs/record.md): the run, its prompt
 * results, tool call attempts and tool calls over both sources (the lab's own agent and an agent over
 * HTTP), fault events with their blast radius, and root causes. Filled by run-data.ts.
 */
import type { PromptStatus } from '@chaos-lab/common';
import type { ModelCallRow } from './model-calls.js';

/** The `runs` row of the run being charted. */
export interface RunRow {
  readonly runId: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  /** ms since the epoch; null while the run is still going (or when it crashed). */
  readonly finishedAt: number | null;
  readonly status: string;
  readonly seed: number;
  /** The run's settings as the agent stored them (secrets already redacted); {} when not JSON. */
  readonly settings: Record<string, unknown>;
  readonly promptsTotal: number;
  /** The model label the agent recorded, e.g. `offline` or a Groq model name; null when unknown. */
  readonly model: string | null;
  readonly error: string | null;
}

/** One `prompt_results` row. */
export interface PromptRow {
  /** 0-based position in the prompts file. */
  readonly promptIndex: number;
  /** The prompt's `id` in the prompts file; null when it has none. */
  readonly promptId: string | null;
  readonly prompt: string;
  readonly status: PromptStatus;
  readonly attempts: number;
  readonly answer: string | null;
  /** Why the status: which expectation was not met, or that the answer was not checked. */
  readonly verdict: string | null;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
}

/** Why a failed attempt failed (the `attempt_causes` view, schema migrations 3 and 10). */
export type AttemptCause = 'simulated_error' | 'service_down' | 'toxic' | 'cancelled' | 'client_timeout' | 'unknown';

/** Every {@link AttemptCause}, in the view's precedence order. */
export const ATTEMPT_CAUSES: readonly AttemptCause[] = [
  'simulated_error',
  'service_down',
  'toxic',
  'cancelled',
  'client_timeout',
  'unknown',
];

/**
 * Where a row comes from: `agent`, the lab's own agent (`tool_calls`, `logical_calls`); `service`, the
 * services' record of an agent over HTTP (`service_requests`).
 */
export type CallSource = 'agent' | 'service';

/**
 * How a row is tied to its prompt: `observed` (the lab's own agent wrote it), `request_id` (the
 * request carried the attempt's X-Request-Id prefix), `inferred_time` (it arrived while the attempt ran).
 */
export type CallAttribution = 'observed' | 'request_id' | 'inferred_time';

/** One `tool_attempts` row: a single attempt of a tool call, through the proxy, direct or seen at the service, with its cause. */
export interface ToolCallRow {
  /** `attempt_row` of the views: `tool_calls.id`, or minus `service_requests.id` for a request seen at a service. */
  readonly id: number;
  readonly source: CallSource;
  readonly attribution: CallAttribution;
  readonly promptIndex: number;
  readonly promptAttempt: number;
  /** Groups the attempts (proxy retries and the direct fallback) of one logical tool call. */
  readonly callId: string;
  /** The attempt's own request id (X-Request-Id); null in runs recorded before schema v2. */
  readonly attemptId: string | null;
  /** The tool; `<method> <path>` for a request seen at a service that was not read back as a tool. */
  readonly tool: string;
  /** Registry service name, e.g. `weather`. */
  readonly service: string;
  readonly attempt: number;
  /** `service`: seen at the service, whether it crossed the proxy is not recorded. */
  readonly via: 'proxy' | 'direct' | 'service';
  /**
   * As the agent saw it; for a request seen at a service, `abandoned` (the client went away first), `open`
   * (no answer recorded) or `lost` (answered, but the agent sent the call again: the answer did not reach it).
   */
  readonly outcome:
    | 'ok'
    | 'http_error'
    | 'timeout'
    | 'connection_error'
    | 'reset'
    | 'closed'
    | 'cancelled'
    | 'abandoned'
    | 'lost'
    | 'open';
  readonly httpStatus: number | null;
  /** True when the service marked its answer as a simulated error. */
  readonly simulated: boolean;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly error: string | null;
  /**
   * The failure's cause: an {@link AttemptCause}, or the kind of a fault added later (a planned
   * `http_error` or `service` fault); null for an attempt that got an answer (2xx, or a 4xx that ends the call).
   */
  readonly cause: AttemptCause | (string & {}) | null;
  /** The fault event blamed (toxic or service_down cause), else null. */
  readonly faultEventId: number | null;
}

/** One `tool_call_summaries` row: a tool call as the model asked for it, or as the services saw its requests. */
export interface LogicalCallRow {
  readonly callId: string;
  readonly source: CallSource;
  readonly attribution: CallAttribution;
  readonly promptIndex: number;
  readonly promptAttempt: number;
  readonly tool: string;
  readonly service: string;
  /** The model's arguments (seen at a service: the request's query and body fields); {} when the column is not JSON. */
  readonly arguments: Record<string, unknown>;
  /** `result`, `refused`, `no_result` or `agent_error`. */
  readonly status: string;
  readonly attempts: number;
  readonly httpStatus: number | null;
  /** The first characters of the answer's body; null without one. */
  readonly resultDigest: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** One `fault_events` row: a fault (a toxic on a proxy, a service down…) from `startedAt` to `endedAt`. */
export interface FaultEventRow {
  readonly id: number;
  /** `toxic`, `service_down`, … */
  readonly kind: string;
  /** Toxiproxy proxy name, `<service>_proxy`; null for a fault that is not on a proxy. */
  readonly proxy: string | null;
  readonly service: string | null;
  readonly name: string;
  /** Toxiproxy toxic type for a toxic (e.g. `timeout`), the fault's own type otherwise. */
  readonly type: string;
  readonly stream: 'upstream' | 'downstream' | null;
  readonly toxicity: number | null;
  /** The fault's attributes (toxic attributes: `latency` ms, `timeout` ms, …); {} when not JSON. */
  readonly attributes: Record<string, unknown>;
  readonly startedAt: number;
  /** null while the fault is still active. */
  readonly endedAt: number | null;
  readonly endedBy: string | null;
}

/** One `fault_blast_radius` row: what a fault event touched and caused (see schema migration 10). */
export interface BlastRadiusRow {
  readonly faultEventId: number;
  readonly attemptsTouched: number;
  readonly attemptsFailed: number;
  readonly attemptsAttributed: number;
  /** Model requests it touched (an llm fault applied to them, a toxic on model_proxy while they ran). */
  readonly modelRequestsTouched: number;
  readonly modelRequestsFailed: number;
  readonly promptsTouched: number;
  /** Indexes of the prompts touched, ascending. */
  readonly promptIndexes: number[];
  /** Of those, the prompts touched by inference only (tied by time, an unseen expected call). */
  readonly inferredPromptIndexes: number[];
  readonly promptsRootCaused: number;
}

/** One `prompt_causes` row: the root cause of a prompt that did not end well. */
export interface PromptCauseRow {
  readonly promptIndex: number;
  /** An {@link AttemptCause}, or the prompt's error type when no tool call ended without an answer; null for none. */
  readonly rootCause: string | null;
  readonly rootFaultEventId: number | null;
  /** True when the root cause rests on an inference (a request tied by time, a fault on an unseen expected call). */
  readonly rootInferred: boolean;
  readonly failedAttempts: number;
}

/** Everything recorded about one run. */
export interface RunData {
  readonly run: RunRow;
  /** Ordered by prompt index. */
  readonly prompts: readonly PromptRow[];
  /** Ordered by start time. */
  readonly toolCalls: readonly ToolCallRow[];
  /** Ordered by start time. */
  readonly logicalCalls: readonly LogicalCallRow[];
  /** The run's fault events of every kind, ordered by start time. */
  readonly faultEvents: readonly FaultEventRow[];
  /** One per fault event, in `faultEvents` order. */
  readonly blastRadius: readonly BlastRadiusRow[];
  /** Prompts that did not end well, by prompt index. */
  readonly promptCauses: readonly PromptCauseRow[];
  /** One per HTTP request of a model call, in order (none before schema 5). */
  readonly modelCalls: readonly ModelCallRow[];
}

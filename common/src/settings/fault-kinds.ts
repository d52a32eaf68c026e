/**
 * The fault kinds settings name: Toxiproxy's toxic types (`TOXICS`) and the model gateway's LLM faults
 * (`LLM_FAULTS`).
 */

/** The toxic types Toxiproxy 2.12.0 knows (docs/toxiproxy.md). */
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

/** A Toxiproxy toxic type name. */
export type ToxicType = (typeof TOXIC_TYPES)[number];

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

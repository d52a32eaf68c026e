/**
 * What an `llm` fault tells the model gateway: the attributes of its `fault_events` row, which the
 * gateway (`model/src/gateway`) reads before it answers a model request.
 */
import type { Fault } from './schema.js';

/** A planned `llm` fault. */
export type LlmPlanFault = Extract<Fault, { kind: 'llm' }>;

/**
 * The event attributes of an llm fault (snake_case, units in the names, as the gateway reads them):
 * `status`, `retry_after_s`, `hang_ms`, `first_token_delay_ms`, `chunk_delay_ms`, `cut_after_chunks`;
 * an attribute the plan leaves out is absent (the gateway's default applies).
 */
export function llmAttributes(f: LlmPlanFault): Record<string, number> {
  const pairs: [string, number | undefined][] = [
    ['status', f.status],
    ['retry_after_s', f.retryAfterS],
    ['hang_ms', f.hangMs],
    ['first_token_delay_ms', f.firstTokenDelayMs],
    ['chunk_delay_ms', f.chunkDelayMs],
    ['cut_after_chunks', f.cutAfterChunks],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, number] => p[1] !== undefined));
}

/**
 * When the gateway injects an LLM fault: the triggers of the tool faults (probability, the Nth model
 * call, during prompt N), read from settings for `npm start`.
 *
 * The seam (DESIGN.md "One fault schedule"): the gateway asks an {@link LlmFaultSource} per request and
 * never decides on its own beyond it. {@link faultsFromSettings} is the source for a run without a
 * fault plan; a source reading the proxy-manager's planned `llm` fault events (as the tool services
 * read `http_error` ones) plugs in here without touching the gateway.
 */
import type { Random, Settings } from '@chaos-lab/common';
import type { LlmFault, LlmFaultKind } from './faults.js';

/** What the gateway knows of a request when it asks for a fault. */
export interface FaultQuery {
  /** The model call's number in the run (1 = the first request the gateway sees for the run). */
  readonly callNumber: number;
  /** The prompt the call is made for (`X-Chaos-Prompt`, 0-based as prompt_results.prompt_index), when the client said. */
  readonly promptIndex?: number;
}

/** The fault to inject into a request, or undefined. */
export type LlmFaultSource = (query: FaultQuery) => LlmFault | undefined;

/** The LLM fault settings the source reads. */
export type LlmFaultSettings = Pick<Settings, 'LLM_FAULT_PROB' | 'LLM_FAULTS' | 'LLM_FAULT_CALLS' | 'LLM_FAULT_PROMPTS'>;

/**
 * The source of `LLM_FAULT_*`: a request is faulted when its call number is in `LLM_FAULT_CALLS`, its
 * prompt in `LLM_FAULT_PROMPTS`, or, failing both, with probability `LLM_FAULT_PROB`; the kind is drawn
 * from `LLM_FAULTS` (seeded: same seed, same faults on the same calls).
 * @param random the gateway's seeded source (`createRandom(CHAOS_SEED).fork('llm-faults')`)
 */
export function faultsFromSettings(settings: LlmFaultSettings, random: Random): LlmFaultSource {
  return ({ callNumber, promptIndex }) => {
    const planned = settings.LLM_FAULT_CALLS.includes(callNumber) || (promptIndex !== undefined && settings.LLM_FAULT_PROMPTS.includes(promptIndex));
    // Drawn on every call, so the calls a list names do not shift the draws of the others.
    const drawn = random.chance(settings.LLM_FAULT_PROB);
    const kind: LlmFaultKind = random.pick(settings.LLM_FAULTS);
    return planned || drawn ? { kind } : undefined;
  };
}

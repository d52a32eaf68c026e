/**
 * The `LLM_FAULT_*` settings of `npm start` as fault plan entries (one fault schedule: the settings add
 * `llm` faults to every run's plan, `FaultSchedule` `settingsFaults`):
 *
 *   LLM_FAULT_PROB=p        → llm_fault_prob: trigger random, tool model, probability p (each model request)
 *   LLM_FAULT_CALLS=2,5     → llm_fault_call_2, llm_fault_call_5: trigger call, tool model, n (its first request)
 *   LLM_FAULT_PROMPTS=0     → llm_fault_prompt_0: trigger prompt, n 1 (every model request of prompt 0)
 *
 * Each entry's type is the `LLM_FAULTS` list (one kind drawn per firing, seeded by the run's seed) and
 * its attributes the `LLM_FAULT_STATUS`, `_RETRY_AFTER_S`, `_HANG_MS`, `_FIRST_TOKEN_DELAY_MS`,
 * `_CHUNK_DELAY_MS` and `_CUT_AFTER_CHUNKS` settings that are set.
 */
import { faultSchema, MODEL_CALLS, type Fault, type Settings } from '@chaos-lab/common';

/** The settings read. */
export type LlmFaultSettings = Pick<
  Settings,
  | 'LLM_FAULT_PROB'
  | 'LLM_FAULTS'
  | 'LLM_FAULT_CALLS'
  | 'LLM_FAULT_PROMPTS'
  | 'LLM_FAULT_STATUS'
  | 'LLM_FAULT_RETRY_AFTER_S'
  | 'LLM_FAULT_HANG_MS'
  | 'LLM_FAULT_FIRST_TOKEN_DELAY_MS'
  | 'LLM_FAULT_CHUNK_DELAY_MS'
  | 'LLM_FAULT_CUT_AFTER_CHUNKS'
>;

/**
 * The plan entries of the settings (see the file comment); none when no trigger setting is set.
 * @returns valid faults, defaults applied
 */
export function llmFaultsFromSettings(s: LlmFaultSettings): Fault[] {
  const common = {
    kind: 'llm' as const,
    type: [...s.LLM_FAULTS],
    status: s.LLM_FAULT_STATUS,
    retryAfterS: s.LLM_FAULT_RETRY_AFTER_S,
    hangMs: s.LLM_FAULT_HANG_MS,
    firstTokenDelayMs: s.LLM_FAULT_FIRST_TOKEN_DELAY_MS,
    chunkDelayMs: s.LLM_FAULT_CHUNK_DELAY_MS,
    cutAfterChunks: s.LLM_FAULT_CUT_AFTER_CHUNKS,
  };
  const entries = [
    ...(s.LLM_FAULT_PROB > 0
      ? [
          {
            ...common,
            name: 'llm_fault_prob',
            trigger: { kind: 'random', probability: s.LLM_FAULT_PROB, tool: MODEL_CALLS },
          },
        ]
      : []),
    // Call 0 never happens (calls count from 1): it names no entry, as it faulted no call before.
    ...s.LLM_FAULT_CALLS.filter((n) => n >= 1).map((n) => ({
      ...common,
      name: `llm_fault_call_${n}`,
      trigger: { kind: 'call', tool: MODEL_CALLS, n },
    })),
    ...s.LLM_FAULT_PROMPTS.map((i) => ({
      ...common,
      name: `llm_fault_prompt_${i}`,
      trigger: { kind: 'prompt', n: i + 1 },
    })),
  ];
  // Through the plan's own schema: the entries are what an experiment file could have said.
  return entries.map((e) => faultSchema.parse(JSON.parse(JSON.stringify(e))));
}

/**
 * `prompt`: fires once, when prompt N (1-based in the run's prompts, i.e. `prompt_index` N − 1) is
 * seen: at the first announced tool call of that prompt (in place, before its first byte), or at the
 * first chaos tick that reads it as the current prompt. It lasts `durationMs` when given, else until
 * another prompt is seen. With an agent that reports its attempts' ends (`attempt-holds.ts`), it names
 * the prompt's attempts: another prompt's attempts to the service are held, and end it once the
 * prompt's attempts in flight have ended.
 */
import { eventPrompt, type TriggerKind } from './trigger.js';

type PromptTrigger = Extract<import('@chaos-lab/common').Trigger, { kind: 'prompt' }>;

/** See the file comment. */
export const promptTrigger: TriggerKind<PromptTrigger> = {
  fire(trigger, state, event) {
    if (state.fired > 0 || eventPrompt(event) !== trigger.n - 1) return undefined;
    state.promptIndex = trigger.n - 1;
    return { durationMs: trigger.durationMs, detail: { prompt: trigger.n, via: event.kind } };
  },
  end(trigger, state, event) {
    if (trigger.durationMs !== undefined) return undefined;
    const prompt = eventPrompt(event);
    return prompt !== null && prompt !== state.promptIndex ? 'another prompt' : undefined;
  },
  names(_trigger, state, a) {
    return a.promptIndex === state.promptIndex;
  },
  done() {
    return undefined;
  },
  held(trigger, state, a) {
    return trigger.durationMs === undefined && a.promptIndex !== state.promptIndex ? 'another prompt' : undefined;
  },
};

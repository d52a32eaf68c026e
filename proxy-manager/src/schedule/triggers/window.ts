/**
 * `window`: fires once, at the first event (chaos tick or announced attempt) at or after `fromMs` after
 * the run started (`runs.started_at`) and before `toMs`; ends at `toMs` after the start: that moment is
 * its duration's end (`ended_by` `duration`, by the schedule's timer or any event seen past it), so
 * nothing else ends it.
 */
import type { TriggerKind } from './trigger.js';

type WindowTrigger = Extract<import('@chaos-lab/common').Trigger, { kind: 'window' }>;

/** See the file comment. */
export const windowTrigger: TriggerKind<WindowTrigger> = {
  fire(trigger, state, event, counters) {
    const sinceStart = event.now - counters.runStartedAt;
    if (state.fired > 0 || sinceStart < trigger.fromMs || sinceStart >= trigger.toMs) return undefined;
    return {
      endsAt: counters.runStartedAt + trigger.toMs,
      detail: { from_ms: trigger.fromMs, to_ms: trigger.toMs, at_ms: sinceStart },
    };
  },
  end() {
    return undefined;
  },
};
